package io.jtork.model;

import io.jtork.serialization.JtorkSerializable;
import io.jtork.spec.JobSpec;
import io.jtork.spec.TaskSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * A job as its entity holds it: the submitted spec, where the job is ({@code state},
 * {@code position}, {@code progress}), what it produced ({@code context.tasks}, {@code result},
 * {@code error}) and every task execution. Events change it through the {@code with...}
 * methods; nothing here does I/O.
 *
 * <p>{@code state == null} means no job has been submitted under this id yet.
 */
public record Job(
    String id,
    String parentId,
    JobSpec spec,
    JobState state,
    UserRef createdBy,
    Instant createdAt,
    Instant startedAt,
    Instant completedAt,
    Instant failedAt,
    Instant deleteAt,
    int position,
    int taskCount,
    double progress,
    String result,
    String error,
    JobContext context,
    List<Task> execution,
    ScheduleRef schedule,
    List<WebhookCall> outbox,
    Map<String, EachItems> eaches) implements JtorkSerializable {

  public Job {
    // Executions.of keeps an Executions as it is: a transition that does not touch the
    // executions (most of them) costs nothing for a list that can hold thousands of tasks.
    execution = execution == null ? Executions.EMPTY : Executions.of(execution);
    outbox = outbox == null ? List.of() : List.copyOf(outbox);
    // Absent from snapshots of earlier versions, whose each children were all created at once.
    eaches = eaches == null ? Map.of() : eaches;
  }

  public static Job empty(String id) {
    return new Job(id, null, null, null, null, null, null, null, null, null, 0, 0, 0, null, null,
        new JobContext(null, null, null, null), Executions.EMPTY, null, List.of(), Map.of());
  }

  /** The executions with their indexes (the same list as {@link #execution()}). */
  public Executions executions() {
    return (Executions) execution;
  }

  /** Submitted and not deleted. */
  public boolean exists() {
    return state != null && state != JobState.DELETED;
  }

  public String name() {
    return spec == null ? null : spec.name();
  }

  public Optional<Task> task(String taskId) {
    return executions().find(taskId);
  }

  public List<Task> activeTasks() {
    return execution.stream().filter(t -> t.state().isActive()).toList();
  }

  /** The spec of the top-level task at {@code position} (1-based), if there is one. */
  public Optional<TaskSpec> taskAt(int pos) {
    return pos >= 1 && pos <= spec.tasks().size() ? Optional.of(spec.tasks().get(pos - 1)) : Optional.empty();
  }

  /** Tork's job progress while a task at the current position reports {@code p} percent. */
  public double progressWithin(double p) {
    if (taskCount == 0) return 0;
    return round2(((position - 1) + p / 100.0) / taskCount * 100.0);
  }

  public static double round2(double v) {
    return Math.round(v * 100.0) / 100.0;
  }

  // ---- transitions used by the events ------------------------------------------------------

  public Job withState(JobState s) {
    return new Job(id, parentId, spec, s, createdBy, createdAt, startedAt, completedAt, failedAt, deleteAt, position,
        taskCount, progress, result, error, context, execution, schedule, outbox, eaches);
  }

  public Job started(Instant at) {
    return new Job(id, parentId, spec, JobState.SCHEDULED, createdBy, createdAt, at, completedAt, failedAt, deleteAt,
        1, taskCount, progress, result, error, context, execution, schedule, outbox, eaches);
  }

  public Job advanced(int newPosition, double newProgress) {
    return new Job(id, parentId, spec, state, createdBy, createdAt, startedAt, completedAt, failedAt, deleteAt,
        newPosition, taskCount, newProgress, result, error, context, execution, schedule, outbox, eaches);
  }

  public Job withProgress(double p) {
    return new Job(id, parentId, spec, state, createdBy, createdAt, startedAt, completedAt, failedAt, deleteAt,
        position, taskCount, p, result, error, context, execution, schedule, outbox, eaches);
  }

  public Job withContext(JobContext c) {
    return new Job(id, parentId, spec, state, createdBy, createdAt, startedAt, completedAt, failedAt, deleteAt,
        position, taskCount, progress, result, error, c, execution, schedule, outbox, eaches);
  }

  public Job completed(String res, Instant at, Instant deleteAtOrNull) {
    return new Job(id, parentId, spec, JobState.COMPLETED, createdBy, createdAt, startedAt, at, failedAt,
        deleteAtOrNull, position, taskCount, 100, res, null, context, execution, schedule, outbox, eaches);
  }

  public Job failed(String err, Instant at) {
    return new Job(id, parentId, spec, JobState.FAILED, createdBy, createdAt, startedAt, completedAt, at, deleteAt,
        position, taskCount, progress, result, err, context, execution, schedule, outbox, eaches);
  }

  public Job restarted() {
    return new Job(id, parentId, spec, JobState.RUNNING, createdBy, createdAt, startedAt, null, null, null,
        position, taskCount, progress, null, null, context, execution, schedule, outbox, eaches);
  }

  /**
   * With {@code t} added. A first attempt ({@code attempts == 0}) of a child of an {@code each}
   * whose items are kept ({@link #eaches}) takes the next item: a retry is a new execution of the
   * same item.
   */
  public Job withTask(Task t) {
    Map<String, EachItems> e = eaches;
    EachItems items = t.parentId() == null ? null : eaches.get(t.parentId());
    if (items != null && t.attempts() == 0 && !items.exhausted()) e = with(eaches, t.parentId(), items.taken());
    return new Job(id, parentId, spec, state, createdBy, createdAt, startedAt, completedAt, failedAt, deleteAt,
        position, taskCount, progress, result, error, context, executions().plus(t), schedule, outbox, e);
  }

  /** With the items of the {@code each} that is execution {@code parentTaskId} kept, none taken yet. */
  public Job withEach(String parentTaskId, EachItems items) {
    return new Job(id, parentId, spec, state, createdBy, createdAt, startedAt, completedAt, failedAt, deleteAt,
        position, taskCount, progress, result, error, context, execution, schedule, outbox,
        with(eaches, parentTaskId, items));
  }

  /** The kept items of the {@code each} that is execution {@code parentTaskId}; null for one of an earlier version. */
  public EachItems eachOf(String parentTaskId) {
    return eaches.get(parentTaskId);
  }

  private static Map<String, EachItems> with(Map<String, EachItems> m, String key, EachItems value) {
    Map<String, EachItems> copy = new java.util.HashMap<>(m);
    copy.put(key, value);
    return Collections.unmodifiableMap(copy);
  }

  public Job updateTask(String taskId, UnaryOperator<Task> change) {
    return new Job(id, parentId, spec, state, createdBy, createdAt, startedAt, completedAt, failedAt, deleteAt,
        position, taskCount, progress, result, error, context, executions().updated(taskId, change), schedule,
        outbox, eaches);
  }

  public Job withOutbox(List<WebhookCall> calls) {
    return new Job(id, parentId, spec, state, createdBy, createdAt, startedAt, completedAt, failedAt, deleteAt,
        position, taskCount, progress, result, error, context, execution, schedule, calls, eaches);
  }

  public List<WebhookCall> outboxWith(WebhookCall call) {
    List<WebhookCall> list = new ArrayList<>(outbox);
    list.add(call);
    return list;
  }

  /** The outbox after an attempt at {@code callId}: without it when {@code done}, else with one more attempt. */
  public List<WebhookCall> outboxAfterAttempt(String callId, boolean done) {
    List<WebhookCall> list = new ArrayList<>(outbox.size());
    for (WebhookCall c : outbox) {
      if (!c.id().equals(callId)) list.add(c);
      else if (!done) list.add(c.attempted());
    }
    return list;
  }

  @Override
  public String toString() {
    return "Job[id=" + id + ", state=" + state + ", position=" + position + "/" + taskCount + "]";
  }
}
