package io.jtork.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.jtork.model.EachItems;
import io.jtork.model.Executions;
import io.jtork.model.Job;
import io.jtork.model.Page;
import io.jtork.model.Task;
import io.jtork.model.TaskLogPart;
import io.jtork.model.TaskState;
import io.jtork.redact.Redactor;
import io.jtork.spec.AutoDeleteSpec;
import io.jtork.spec.AuxTaskSpec;
import io.jtork.spec.EachSpec;
import io.jtork.spec.LimitsSpec;
import io.jtork.spec.MountSpec;
import io.jtork.spec.ParallelSpec;
import io.jtork.spec.RegistrySpec;
import io.jtork.spec.SidecarSpec;
import io.jtork.spec.SubJobSpec;
import io.jtork.spec.TaskSpec;
import io.jtork.spec.WebhookSpec;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Tork's Task JSON ({@code GET /tasks/{id}}, a job's {@code execution} and {@code tasks}), every
 * field omitted when empty, secrets redacted: secret-looking keys and the job's secret values
 * in env, cmd, files, mount options, results and errors; registry passwords; sub-job secrets.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record TaskView(
    String id,
    String jobId,
    String parentId,
    Integer position,
    String name,
    String description,
    TaskState state,
    Instant createdAt,
    Instant scheduledAt,
    Instant startedAt,
    Instant completedAt,
    Instant failedAt,
    List<String> cmd,
    List<String> entrypoint,
    String run,
    String image,
    RegistrySpec registry,
    Map<String, String> env,
    Map<String, String> files,
    String queue,
    Integer redelivered,
    String error,
    List<AuxTaskSpec> pre,
    List<AuxTaskSpec> post,
    List<SidecarSpec> sidecars,
    List<MountSpec> mounts,
    List<String> networks,
    String nodeId,
    RetryView retry,
    LimitsSpec limits,
    String timeout,
    String result,
    @JsonProperty("var") String var,
    @JsonProperty("if") String condition,
    ParallelView parallel,
    EachView each,
    SubJobView subjob,
    String gpus,
    List<String> tags,
    String workdir,
    Integer priority,
    Double progress) {

  /** Tork's {@code subjob}: the spec, and once its task has started, the {@code id} of the job it started. */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record SubJobView(String id, String name, String description, List<TaskSpec> tasks, Map<String, String> inputs,
      Map<String, String> secrets, AutoDeleteSpec autoDelete, String output, Boolean detached,
      List<WebhookSpec> webhooks) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record RetryView(Integer limit, Integer attempts, String initialDelay, Double scalingFactor) {}

  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record ParallelView(List<TaskView> tasks, Integer completions) {}

  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record EachView(@JsonProperty("var") String var, String list, TaskView task, Integer size,
      Integer completions, Integer concurrency, Integer index) {}

  /** A task definition (from a job's {@code tasks}). */
  static TaskView of(TaskSpec s, Redactor r, Collection<String> secrets) {
    return build(s, r, secrets, null);
  }

  /** A task execution. */
  static TaskView of(Task t, Redactor r, Collection<String> secrets) {
    return build(t.spec(), r, secrets, t);
  }

  /**
   * A task execution of {@code job}: a composite also shows Tork's counters, computed from its
   * children ({@code parallel.completions}; {@code each.size} and {@code each.completions}).
   */
  static TaskView of(Task t, Job job, Redactor r, Collection<String> secrets) {
    TaskView v = build(t.spec(), r, secrets, t);
    if (v.parallel() == null && v.each() == null) return v;
    Executions.Children children = job.executions().childrenOf(t.id());
    // A retry is a new execution: failed ones are not items of their own.
    int size = children.total() - children.count(TaskState.FAILED) - children.count(TaskState.CANCELLED);
    // An each creates its children in their turn: its size is that of its list.
    EachItems items = job.eachOf(t.id());
    if (items != null) size = items.items().size();
    int done = children.count(TaskState.COMPLETED) + children.count(TaskState.SKIPPED);
    ParallelView parallel = v.parallel() == null ? null : new ParallelView(v.parallel().tasks(), done);
    EachView each = v.each() == null ? null : new EachView(v.each().var(), v.each().list(), v.each().task(),
        size, done, v.each().concurrency(), null);
    return new TaskView(v.id(), v.jobId(), v.parentId(), v.position(), v.name(), v.description(), v.state(),
        v.createdAt(), v.scheduledAt(), v.startedAt(), v.completedAt(), v.failedAt(), v.cmd(), v.entrypoint(),
        v.run(), v.image(), v.registry(), v.env(), v.files(), v.queue(), v.redelivered(), v.error(), v.pre(), v.post(),
        v.sidecars(), v.mounts(), v.networks(), v.nodeId(), v.retry(), v.limits(), v.timeout(), v.result(), v.var(),
        v.condition(), parallel, each, v.subjob(), v.gpus(), v.tags(), v.workdir(), v.priority(), v.progress());
  }

  /**
   * A page of a task's or a job's log parts as served: the worker redacted them before they were
   * written, with the set the job had when the task started; this second line applies the job's set
   * as it is now.
   */
  static Page<TaskLogPart> log(Page<TaskLogPart> page, Job job, Redactor r) {
    Set<String> secrets = r.secretValues(job);
    if (secrets.isEmpty()) return page;
    return new Page<>(page.items().stream().map(l -> new TaskLogPart(l.id(), l.number(), l.taskId(),
        Redactor.redactValues(l.contents(), secrets), l.createdAt())).toList(), page.number(), page.size(),
        page.totalPages(), page.totalItems());
  }

  private static TaskView build(TaskSpec s, Redactor r, Collection<String> secrets, Task t) {
    RetryView retry = s.retry() == null && (t == null || t.attempts() == 0) ? null
        : new RetryView(s.retry() == null ? null : s.retry().limit(), t == null || t.attempts() == 0 ? null
            : t.attempts(), s.retry() == null ? null : s.retry().initialDelay(),
            s.retry() == null ? null : s.retry().scalingFactor());
    return new TaskView(
        t == null ? null : t.id(),
        t == null ? null : t.jobId(),
        t == null ? null : t.parentId(),
        t == null ? null : t.position(),
        Redactor.redactValues(s.name(), secrets),
        Redactor.redactValues(s.description(), secrets),
        t == null ? null : t.state(),
        t == null ? null : t.createdAt(),
        t == null ? null : t.scheduledAt(),
        t == null ? null : t.startedAt(),
        t == null ? null : t.completedAt(),
        t == null ? null : t.failedAt(),
        r.redactList(s.cmd(), secrets),
        s.entrypoint(),
        Redactor.redactValues(s.run(), secrets),
        Redactor.redactValues(s.image(), secrets),
        registry(s.registry()),
        r.redactMap(s.env(), secrets),
        r.redactMap(s.files(), secrets),
        Redactor.redactValues(s.queue(), secrets),
        t == null || t.redelivered() == 0 ? null : t.redelivered(),
        t == null ? null : Redactor.redactValues(t.error(), secrets),
        aux(s.pre(), r, secrets),
        aux(s.post(), r, secrets),
        sidecars(s.sidecars(), r, secrets),
        mounts(s.mounts(), r, secrets),
        s.networks(),
        t == null ? null : t.nodeId(),
        retry,
        s.limits(),
        s.timeout(),
        t == null ? null : Redactor.redactValues(t.result(), secrets),
        Redactor.redactValues(s.var(), secrets),
        s.condition(),
        s.parallel() == null ? null : parallel(s.parallel(), r, secrets),
        s.each() == null ? null : each(s.each(), r, secrets),
        s.subjob() == null ? null : subjob(s.subjob(), r, secrets, t == null || t.startedAt() == null ? null : t.subJobId()),
        s.gpus(),
        s.tags(),
        s.workdir(),
        s.priority() == null || s.priority() == 0 ? null : s.priority(),
        t == null || t.progress() == 0 ? null : t.progress());
  }

  private static RegistrySpec registry(RegistrySpec reg) {
    return reg == null ? null : new RegistrySpec(reg.username(), reg.password() == null ? null : Redactor.REDACTED);
  }

  private static List<AuxTaskSpec> aux(List<AuxTaskSpec> steps, Redactor r, Collection<String> secrets) {
    return steps.stream().map(a -> new AuxTaskSpec(a.name(), a.description(), r.redactList(a.cmd(), secrets),
        a.entrypoint(), Redactor.redactValues(a.run(), secrets), a.image(), registry(a.registry()),
        r.redactMap(a.env(), secrets), r.redactMap(a.files(), secrets), a.timeout())).toList();
  }

  private static List<SidecarSpec> sidecars(List<SidecarSpec> list, Redactor r, Collection<String> secrets) {
    return list.stream().map(a -> new SidecarSpec(a.name(), a.description(), r.redactList(a.cmd(), secrets),
        a.entrypoint(), Redactor.redactValues(a.run(), secrets), a.image(), registry(a.registry()),
        r.redactMap(a.env(), secrets), r.redactMap(a.files(), secrets), a.timeout(), a.probe())).toList();
  }

  private static List<MountSpec> mounts(List<MountSpec> list, Redactor r, Collection<String> secrets) {
    return list.stream().map(m -> new MountSpec(m.type(), m.source(), m.target(), r.redactMap(m.opts(), secrets)))
        .toList();
  }

  private static ParallelView parallel(ParallelSpec p, Redactor r, Collection<String> secrets) {
    return new ParallelView(p.tasks().stream().map(t -> of(t, r, secrets)).toList(), null);
  }

  private static EachView each(EachSpec e, Redactor r, Collection<String> secrets) {
    return new EachView(e.var(), e.list(), e.task() == null ? null : of(e.task(), r, secrets), null, null,
        e.concurrency(), null);
  }

  static SubJobView subjob(SubJobSpec s, Redactor r, Collection<String> secrets, String startedJobId) {
    return new SubJobView(startedJobId, s.name(), s.description(), s.tasks(), r.redactMap(s.inputs(), secrets),
        Redactor.redactAll(s.secrets()), s.autoDelete(), s.output(), s.detached(), webhooks(s.webhooks(), r, secrets));
  }

  static List<WebhookSpec> webhooks(List<WebhookSpec> hooks, Redactor r, Collection<String> secrets) {
    return hooks.stream().map(w -> new WebhookSpec(Redactor.redactValues(w.url(), secrets),
        r.redactMap(w.headers(), secrets), w.event(), w.condition())).toList();
  }
}
