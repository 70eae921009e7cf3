package io.jtork.webhook;

import io.jtork.event.JobEvent;
import io.jtork.event.TaskCreated;
import io.jtork.event.TaskEvent;
import io.jtork.expr.ExpressionException;
import io.jtork.expr.Expressions;
import io.jtork.expr.Scope;
import io.jtork.json.Json;
import io.jtork.model.Ids;
import io.jtork.model.Job;
import io.jtork.model.JobSummary;
import io.jtork.model.Task;
import io.jtork.model.TaskSummary;
import io.jtork.model.WebhookCall;
import io.jtork.redact.Redactor;
import io.jtork.spec.JobSpecValidator;
import io.jtork.spec.WebhookSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which webhook calls a change of a job owes, as Tork decides them: {@code job.StateChange} (the
 * default) when the job's state changed, {@code job.Progress} when its progress did,
 * {@code task.StateChange} for each task created or whose state changed, {@code task.Progress}
 * for each whose progress did; then the webhook's {@code if}, with {@code job} (and {@code task})
 * as summaries under Tork's Go names ({@code job.State}) and as JSON names ({@code job.state}).
 * A condition that is not a boolean, or fails, skips the call (as in Tork).
 */
public final class Webhooks {
  public static final int MAX_ATTEMPTS = 5;
  private static final Logger log = LoggerFactory.getLogger(Webhooks.class);

  private final Expressions expressions;
  private final Redactor redactor;

  public Webhooks(Expressions expressions, Redactor redactor) {
    this.expressions = expressions;
    this.redactor = redactor;
  }

  public Redactor redactor() {
    return redactor;
  }

  /**
   * The calls {@code event}, which led from {@code before} to {@code after}, owes; none when the
   * job has no webhooks. Task webhooks look only at the execution the event created or changed
   * ({@link TaskCreated}, {@link TaskEvent}; no other event changes one), so an event costs the
   * same whatever the job's size: comparing all executions made each event of a 10,000-item
   * {@code each} with any webhook cost O(n).
   */
  public List<WebhookCall> calls(JobEvent event, Job before, Job after) {
    return calls(event, before, after, () -> redactor.secretValues(after));
  }

  /**
   * As above, with the job's redaction set ({@link Redactor#secretValues(Job)}) from {@code secrets},
   * asked only when a call is owed: the job entity keeps the set, so it costs nothing per event.
   */
  public List<WebhookCall> calls(JobEvent event, Job before, Job after,
      Supplier<? extends Collection<String>> secrets) {
    if (after.spec() == null || after.spec().webhooks().isEmpty()) return List.of();
    List<WebhookCall> out = new ArrayList<>();
    List<WebhookSpec> hooks = after.spec().webhooks();
    boolean stateChanged = before.state() != after.state();
    boolean progressChanged = before.progress() != after.progress();
    Task was = null;
    Task changed = null;
    if (event instanceof TaskCreated c) {
      changed = after.task(c.task().id()).orElse(null);
    } else if (event instanceof TaskEvent e) {
      was = before.task(e.taskId()).orElse(null);
      changed = after.task(e.taskId()).orElse(null);
    }
    Map<String, Object> job = null;
    for (int i = 0; i < hooks.size(); i++) {
      WebhookSpec hook = hooks.get(i);
      String name = hook.event() == null || hook.event().isBlank() ? "job.StateChange" : hook.event();
      switch (name) {
        case "job.StateChange", "job.Progress" -> {
          if (name.equals("job.StateChange") ? !stateChanged : !progressChanged) continue;
          JobSummary summary = JobSummary.of(after, redactor, secrets.get());
          if (job == null) job = goAndJsonNames(summary);
          if (condition(hook, Map.of("job", job), after)) out.add(call(after, i, name, summary));
        }
        case "task.StateChange", "task.Progress" -> {
          if (changed == null) continue;
          boolean fires = name.equals("task.StateChange") ? was == null || was.state() != changed.state()
              : was != null && was.progress() != changed.progress();
          if (!fires) continue;
          TaskSummary summary = TaskSummary.of(changed, secrets.get());
          if (job == null) job = goAndJsonNames(JobSummary.of(after, redactor, secrets.get()));
          if (condition(hook, Map.of("job", job, "task", goAndJsonNames(summary)), after)) {
            out.add(call(after, i, name, summary));
          }
        }
        default -> { } // the validator admits no other value
      }
    }
    return out;
  }

  private static WebhookCall call(Job job, int index, String event, Object summary) {
    return new WebhookCall(job.id() + "-" + Ids.newSuffix(), index, event, Json.write(summary), 0);
  }

  private boolean condition(WebhookSpec hook, Map<String, Object> scope, Job job) {
    if (hook.condition() == null || hook.condition().isBlank()) return true;
    try {
      Object v = expressions.evaluate(JobSpecValidator.stripBraces(hook.condition()), new HashMap<>(scope));
      return Boolean.TRUE.equals(v);
    } catch (ExpressionException e) {
      log.warn("job {}: webhook condition could not be evaluated, the call is skipped: {}", job.id(),
          Redactor.redactValues(e.getMessage(), redactor.secretValues(job)));
      return false;
    }
  }

  /** A summary's fields under their JSON names and Tork's Go names ({@code state}/{@code State}, {@code id}/{@code ID}). */
  static Map<String, Object> goAndJsonNames(Object summary) {
    Map<String, Object> json = Json.json().convertValue(summary, Json.json().getTypeFactory()
        .constructMapType(LinkedHashMap.class, String.class, Object.class));
    Map<String, Object> out = new LinkedHashMap<>(json);
    for (Map.Entry<String, Object> e : json.entrySet()) {
      String k = e.getKey();
      String go = Character.toUpperCase(k.charAt(0)) + k.substring(1);
      if (go.endsWith("Id")) go = go.substring(0, go.length() - 2) + "ID";
      out.putIfAbsent(go, e.getValue());
    }
    return out;
  }

  /** The URL and headers of a call, evaluated against the job's context now (Tork: at call time). */
  public Request request(Job job, WebhookCall call) throws ExpressionException {
    WebhookSpec hook = job.spec().webhooks().get(call.webhook());
    Map<String, Object> scope = Scope.of(job.context());
    String url = expressions.template(hook.url(), scope);
    Map<String, String> headers = new LinkedHashMap<>();
    for (Map.Entry<String, String> h : hook.headers().entrySet()) {
      headers.put(h.getKey(), expressions.template(h.getValue(), scope));
    }
    return new Request(url, headers, call.payload());
  }

  /** One call as it goes out. Its headers may hold secrets: it is never logged or journaled. */
  public record Request(String url, Map<String, String> headers, String body) {
    @Override
    public String toString() {
      return "Request[" + url + "]";
    }
  }
}
