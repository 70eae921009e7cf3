package io.jtork.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.jtork.serialization.JtorkSerializable;
import io.jtork.spec.JobSpec;
import io.jtork.spec.TaskSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
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
 * <p>Its fields are grouped by how they change: {@link Origin}, what the job was submitted as,
 * never changes; {@link Timeline} holds its timestamps and {@link Status} where it is and what
 * it produced, which the job's own transitions change; the context, the executions, the webhook
 * outbox and the items of its {@code each}es change on their own. Each field also has its
 * accessor on the job itself ({@link #id()}, {@link #state()}, ...).
 *
 * <p>{@code state == null} means no job has been submitted under this id yet.
 *
 * <p>JSON (snapshots in the database, replies between nodes) is the flat form the job had before
 * it was grouped, and must stay so for the snapshots already stored: the groups are not
 * properties ({@code @JsonIgnore}); each field is written by its accessor on the job
 * ({@code @JsonProperty}, in the order of {@code @JsonPropertyOrder}) and read by the flat
 * constructor ({@code @JsonCreator}). Jackson's {@code @JsonUnwrapped} would keep the groups
 * flat too, but cannot be read through a constructor, which a record needs.
 */
@JsonPropertyOrder({"id", "parentId", "spec", "state", "createdBy", "createdAt", "startedAt", "completedAt",
    "failedAt", "deleteAt", "position", "taskCount", "progress", "result", "error", "context", "execution",
    "schedule", "outbox", "eaches"})
public record Job(
    @JsonIgnore Origin origin,
    @JsonIgnore Timeline timeline,
    @JsonIgnore Status status,
    JobContext context,
    List<Task> execution,
    List<WebhookCall> outbox,
    Map<String, EachItems> eaches) implements JtorkSerializable {

  /** What the job was submitted as: set by {@code JobSubmitted}, never changed after. */
  public record Origin(String id, String parentId, JobSpec spec, UserRef createdBy, ScheduleRef schedule) {}

  /** When the job was created, started, completed or failed, and when it is to be deleted. */
  public record Timeline(Instant createdAt, Instant startedAt, Instant completedAt, Instant failedAt,
      Instant deleteAt) {
    Timeline started(Instant at) {
      return new Timeline(createdAt, at, completedAt, failedAt, deleteAt);
    }

    Timeline completed(Instant at, Instant deleteAtOrNull) {
      return new Timeline(createdAt, startedAt, at, failedAt, deleteAtOrNull);
    }

    Timeline failed(Instant at) {
      return new Timeline(createdAt, startedAt, completedAt, at, deleteAt);
    }

    /** Neither completed nor failed, nor to be deleted. */
    Timeline restarted() {
      return new Timeline(createdAt, startedAt, null, null, null);
    }
  }

  /**
   * Where the job is: its {@code state}, the 1-based {@code position} of its current top-level
   * task among {@code taskCount}, its {@code progress} in percent; and what it produced, its
   * {@code result} or {@code error}.
   */
  public record Status(JobState state, int position, int taskCount, double progress, String result,
      String error) {
    Status withState(JobState s) {
      return new Status(s, position, taskCount, progress, result, error);
    }

    /** Scheduled, at the first task. */
    Status started() {
      return new Status(JobState.SCHEDULED, 1, taskCount, progress, result, error);
    }

    Status advanced(int newPosition, double newProgress) {
      return new Status(state, newPosition, taskCount, newProgress, result, error);
    }

    Status completed(String res) {
      return new Status(JobState.COMPLETED, position, taskCount, 100, res, null);
    }

    Status failed(String err) {
      return new Status(JobState.FAILED, position, taskCount, progress, result, err);
    }

    Status restarted() {
      return new Status(JobState.RUNNING, position, taskCount, progress, null, null);
    }
  }

  public Job {
    // Executions.of keeps an Executions as it is: a transition that does not touch the
    // executions (most of them) costs nothing for a list that can hold thousands of tasks.
    execution = execution == null ? Executions.EMPTY : Executions.of(execution);
    outbox = outbox == null ? List.of() : List.copyOf(outbox);
    // Absent from snapshots of earlier versions, whose each children were all created at once.
    eaches = eaches == null ? Map.of() : eaches;
  }

  /**
   * The job from its fields one by one, as its JSON has them (see above). Jackson knows the
   * parameters' names from the class file (the compiler's {@code -parameters}, read by the
   * ParameterNamesModule that Pekko's mappers and {@link io.jtork.json.Json}'s register).
   */
  @JsonCreator
  public Job(String id, String parentId, JobSpec spec, JobState state, UserRef createdBy, Instant createdAt,
      Instant startedAt, Instant completedAt, Instant failedAt, Instant deleteAt, int position, int taskCount,
      double progress, String result, String error, JobContext context, List<Task> execution,
      ScheduleRef schedule, List<WebhookCall> outbox, Map<String, EachItems> eaches) {
    this(new Origin(id, parentId, spec, createdBy, schedule),
        new Timeline(createdAt, startedAt, completedAt, failedAt, deleteAt),
        new Status(state, position, taskCount, progress, result, error), context, execution, outbox, eaches);
  }

  public static Job empty(String id) {
    return new Job(new Origin(id, null, null, null, null), new Timeline(null, null, null, null, null),
        new Status(null, 0, 0, 0, null, null), new JobContext(null, null, null, null), Executions.EMPTY, List.of(),
        Map.of());
  }

  // ---- the fields of the groups, as the job had them before it grouped them -------------------

  @JsonProperty
  public String id() {
    return origin.id();
  }

  @JsonProperty
  public String parentId() {
    return origin.parentId();
  }

  @JsonProperty
  public JobSpec spec() {
    return origin.spec();
  }

  @JsonProperty
  public UserRef createdBy() {
    return origin.createdBy();
  }

  @JsonProperty
  public ScheduleRef schedule() {
    return origin.schedule();
  }

  @JsonProperty
  public Instant createdAt() {
    return timeline.createdAt();
  }

  @JsonProperty
  public Instant startedAt() {
    return timeline.startedAt();
  }

  @JsonProperty
  public Instant completedAt() {
    return timeline.completedAt();
  }

  @JsonProperty
  public Instant failedAt() {
    return timeline.failedAt();
  }

  @JsonProperty
  public Instant deleteAt() {
    return timeline.deleteAt();
  }

  @JsonProperty
  public JobState state() {
    return status.state();
  }

  @JsonProperty
  public int position() {
    return status.position();
  }

  @JsonProperty
  public int taskCount() {
    return status.taskCount();
  }

  @JsonProperty
  public double progress() {
    return status.progress();
  }

  @JsonProperty
  public String result() {
    return status.result();
  }

  @JsonProperty
  public String error() {
    return status.error();
  }

  /** The executions with their indexes (the same list as {@link #execution()}). */
  public Executions executions() {
    return (Executions) execution;
  }

  /** Submitted and not deleted. */
  public boolean exists() {
    return state() != null && state() != JobState.DELETED;
  }

  public String name() {
    return spec() == null ? null : spec().name();
  }

  public Optional<Task> task(String taskId) {
    return executions().find(taskId);
  }

  public List<Task> activeTasks() {
    return execution.stream().filter(t -> t.state().isActive()).toList();
  }

  /** The spec of the top-level task at {@code position} (1-based), if there is one. */
  public Optional<TaskSpec> taskAt(int pos) {
    List<TaskSpec> tasks = spec().tasks();
    return pos >= 1 && pos <= tasks.size() ? Optional.of(tasks.get(pos - 1)) : Optional.empty();
  }

  /** Tork's job progress while a task at the current position reports {@code p} percent. */
  public double progressWithin(double p) {
    if (taskCount() == 0) return 0;
    return round2(((position() - 1) + p / 100.0) / taskCount() * 100.0);
  }

  public static double round2(double v) {
    return Math.round(v * 100.0) / 100.0;
  }

  // ---- transitions used by the events ------------------------------------------------------

  private Job with(Timeline t, Status s) {
    return new Job(origin, t, s, context, execution, outbox, eaches);
  }

  public Job withState(JobState s) {
    return with(timeline, status.withState(s));
  }

  public Job started(Instant at) {
    return with(timeline.started(at), status.started());
  }

  public Job advanced(int newPosition, double newProgress) {
    return with(timeline, status.advanced(newPosition, newProgress));
  }

  public Job withProgress(double p) {
    return with(timeline, status.advanced(status.position(), p));
  }

  public Job withContext(JobContext c) {
    return new Job(origin, timeline, status, c, execution, outbox, eaches);
  }

  public Job completed(String res, Instant at, Instant deleteAtOrNull) {
    return with(timeline.completed(at, deleteAtOrNull), status.completed(res));
  }

  public Job failed(String err, Instant at) {
    return with(timeline.failed(at), status.failed(err));
  }

  public Job restarted() {
    return with(timeline.restarted(), status.restarted());
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
    return new Job(origin, timeline, status, context, executions().plus(t), outbox, e);
  }

  /** With the items of the {@code each} that is execution {@code parentTaskId} kept, none taken yet. */
  public Job withEach(String parentTaskId, EachItems items) {
    return new Job(origin, timeline, status, context, execution, outbox, with(eaches, parentTaskId, items));
  }

  /** The kept items of the {@code each} that is execution {@code parentTaskId}; null for one of an earlier version. */
  public EachItems eachOf(String parentTaskId) {
    return eaches.get(parentTaskId);
  }

  private static Map<String, EachItems> with(Map<String, EachItems> m, String key, EachItems value) {
    Map<String, EachItems> copy = new HashMap<>(m);
    copy.put(key, value);
    return Collections.unmodifiableMap(copy);
  }

  public Job updateTask(String taskId, UnaryOperator<Task> change) {
    return new Job(origin, timeline, status, context, executions().updated(taskId, change), outbox, eaches);
  }

  public Job withOutbox(List<WebhookCall> calls) {
    return new Job(origin, timeline, status, context, execution, calls, eaches);
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
    return "Job[id=" + id() + ", state=" + state() + ", position=" + position() + "/" + taskCount() + "]";
  }
}
