package io.jtork.job;

import io.jtork.expr.ExpressionException;
import io.jtork.expr.Expressions;
import io.jtork.expr.Scope;
import io.jtork.model.Ids;
import io.jtork.model.Job;
import io.jtork.model.Task;
import io.jtork.spec.AuxTaskSpec;
import io.jtork.spec.SubJobSpec;
import io.jtork.spec.DefaultsSpec;
import io.jtork.spec.LimitsSpec;
import io.jtork.spec.TaskSpec;
import java.time.Instant;
import io.jtork.redact.Redactor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Makes a task execution from its spec the way Tork's scheduler does: evaluates the templated
 * fields ({@code name}, {@code var}, {@code image}, {@code queue}, {@code env} values,
 * {@code if}, {@code cmd} items, and the same in {@code pre}/{@code post}) against the job's
 * context, decides whether {@code if} skips it, and fills in the job's {@code defaults} where
 * the task leaves a value empty. {@code run}, {@code files} and the rest are left as written.
 */
public final class TaskFactory {
  public static final String DEFAULT_QUEUE = "default";
  private final Expressions expressions;
  private final Redactor redactor;

  public TaskFactory(Expressions expressions) {
    this(expressions, Redactor.defaults());
  }

  public TaskFactory(Expressions expressions, Redactor redactor) {
    this.expressions = expressions;
    this.redactor = redactor;
  }

  /** The outcome of making a task: ready to queue, skipped by its {@code if}, or failed to evaluate. */
  public sealed interface Made permits Ready, Skipped, Invalid {
    Task task();
  }

  public record Ready(Task task) implements Made {}

  public record Skipped(Task task) implements Made {}

  public record Invalid(Task task, String error) implements Made {}

  public Made make(Job job, TaskSpec spec, int position, String parentId, int attempts, Instant now) {
    return make(job, spec, position, parentId, attempts, now, Map.of());
  }

  /** As above, with more names in scope: {@code item} (or {@code each.var}) for an {@code each} child. */
  public Made make(Job job, TaskSpec spec, int position, String parentId, int attempts, Instant now,
      Map<String, Object> extraScope) {
    return make(job, spec, position, parentId, attempts, now, extraScope, redactor.secretValues(job));
  }

  /**
   * As above, with the job's redaction set ({@link Redactor#secretValues(Job)}) known. The fields
   * only shown (the names of the task, its sub-job and its steps, and its description) are stored
   * with it, and with the secret values of the task's own evaluated {@code env}, redacted: a name
   * {@code "t2-{{ secrets.api }}"} becomes {@code t2-[REDACTED]}. What the task's process needs
   * ({@code env}, {@code cmd}, {@code image}) is kept as evaluated.
   */
  public Made make(Job job, TaskSpec spec, int position, String parentId, int attempts, Instant now,
      Map<String, Object> extraScope, Collection<String> secrets) {
    Map<String, Object> scope = Scope.of(job.context());
    scope.putAll(extraScope);
    String id = Ids.newId();
    try {
      String condition = expressions.template(spec.condition(), scope);
      TaskSpec evaluated = redactShown(evaluate(spec, scope), secrets);
      TaskSpec withDefaults = spec.isComposite() ? evaluated : applyDefaults(evaluated, job.spec().defaults());
      Task task = Task.created(id, job.id(), parentId, position, withDefaults, attempts, now);
      if (condition != null && condition.trim().equals("false")) return new Skipped(task);
      return new Ready(task);
    } catch (ExpressionException e) {
      return new Invalid(Task.created(id, job.id(), parentId, position, spec, attempts, now), e.getMessage());
    }
  }

  private TaskSpec evaluate(TaskSpec t, Map<String, Object> scope) throws ExpressionException {
    SubJobSpec sub = t.subjob();
    if (sub != null) {
      // Tork evaluates a subjob's name, inputs and secrets (and webhook urls) when the task is created.
      sub = new SubJobSpec(expressions.template(sub.name(), scope), sub.description(), sub.tasks(),
          values(sub.inputs(), scope), values(sub.secrets(), scope), sub.autoDelete(), sub.output(), sub.detached(),
          sub.webhooks());
    }
    return t.toBuilder()
        .subjob(sub)
        .name(expressions.template(t.name(), scope))
        .var(expressions.template(t.var(), scope))
        .image(expressions.template(t.image(), scope))
        .queue(expressions.template(t.queue(), scope))
        .env(values(t.env(), scope))
        .cmd(items(t.cmd(), scope))
        .pre(aux(t.pre(), scope))
        .post(aux(t.post(), scope))
        .build();
  }

  private TaskSpec redactShown(TaskSpec t, Collection<String> known) {
    Set<String> secrets = new LinkedHashSet<>(known);
    redactor.collect(t, secrets);
    if (secrets.isEmpty()) return t;
    SubJobSpec sub = t.subjob();
    if (sub != null) {
      sub = new SubJobSpec(Redactor.redactValues(sub.name(), secrets), Redactor.redactValues(sub.description(), secrets),
          sub.tasks(), sub.inputs(), sub.secrets(), sub.autoDelete(), sub.output(), sub.detached(), sub.webhooks());
    }
    return t.toBuilder()
        .subjob(sub)
        .name(Redactor.redactValues(t.name(), secrets))
        .description(Redactor.redactValues(t.description(), secrets))
        .pre(auxNames(t.pre(), secrets))
        .post(auxNames(t.post(), secrets))
        .build();
  }

  private static List<AuxTaskSpec> auxNames(List<AuxTaskSpec> steps, Collection<String> secrets) {
    List<AuxTaskSpec> out = new ArrayList<>();
    for (AuxTaskSpec a : steps) {
      out.add(new AuxTaskSpec(Redactor.redactValues(a.name(), secrets), a.description(), a.cmd(), a.entrypoint(),
          a.run(), a.image(), a.registry(), a.env(), a.files(), a.timeout()));
    }
    return out;
  }

  private List<AuxTaskSpec> aux(List<AuxTaskSpec> steps, Map<String, Object> scope) throws ExpressionException {
    List<AuxTaskSpec> out = new ArrayList<>();
    for (AuxTaskSpec a : steps) {
      out.add(new AuxTaskSpec(expressions.template(a.name(), scope), a.description(), items(a.cmd(), scope),
          a.entrypoint(), a.run(), expressions.template(a.image(), scope), a.registry(), values(a.env(), scope),
          a.files(), a.timeout()));
    }
    return out;
  }

  private Map<String, String> values(Map<String, String> m, Map<String, Object> scope) throws ExpressionException {
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : m.entrySet()) out.put(e.getKey(), expressions.template(e.getValue(), scope));
    return out;
  }

  private List<String> items(List<String> l, Map<String, Object> scope) throws ExpressionException {
    List<String> out = new ArrayList<>();
    for (String s : l) out.add(expressions.template(s, scope));
    return out;
  }

  /** Tork's {@code scheduleRegularTask}: a default applies only where the task's own value is empty. */
  static TaskSpec applyDefaults(TaskSpec t, DefaultsSpec d) {
    TaskSpec.Builder b = t.toBuilder();
    if (d != null) {
      if (t.retry() == null && d.retry() != null) b.retry(d.retry());
      if (d.limits() != null) {
        LimitsSpec own = t.limits();
        String cpus = own != null && notBlank(own.cpus()) ? own.cpus() : d.limits().cpus();
        String memory = own != null && notBlank(own.memory()) ? own.memory() : d.limits().memory();
        LimitsSpec merged = new LimitsSpec(cpus, memory);
        if (!merged.unset()) b.limits(merged);
      }
      if (!notBlank(t.timeout()) && notBlank(d.timeout())) b.timeout(d.timeout());
      if (!notBlank(t.queue()) && notBlank(d.queue())) b.queue(d.queue());
      if ((t.priority() == null || t.priority() == 0) && d.priority() != null) b.priority(d.priority());
    }
    TaskSpec withDefaults = b.build();
    if (!notBlank(withDefaults.queue())) withDefaults = withDefaults.toBuilder().queue(DEFAULT_QUEUE).build();
    return withDefaults;
  }

  private static boolean notBlank(String s) {
    return s != null && !s.isBlank();
  }
}
