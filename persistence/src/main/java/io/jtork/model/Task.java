package io.jtork.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.jtork.spec.TaskSpec;
import java.time.Instant;

/**
 * One execution of a task (Tork's {@code tork.Task}): the spec with its templates evaluated and
 * defaults applied, plus where it is in its life. A retry is a new execution with a new id and
 * {@code attempts + 1}, as in Tork. A run lost with its worker stays the same execution and
 * gets a new {@code run} number, which fences off results from the lost run.
 *
 * @param attempts retries that came before this execution ({@code retry.attempts} in Tork)
 * @param run the current run of this execution, from 1; {@link #attemptId()} is derived from it
 * @param redelivered how many runs were lost with their worker and started again
 * @param workerAddress the cluster member (address and uid) that runs it, to tell a lost worker
 */
public record Task(
    String id,
    String jobId,
    String parentId,
    int position,
    TaskSpec spec,
    TaskState state,
    Instant createdAt,
    Instant scheduledAt,
    Instant startedAt,
    Instant completedAt,
    Instant failedAt,
    String nodeId,
    String workerAddress,
    String error,
    String result,
    double progress,
    int attempts,
    int run,
    int redelivered) {

  public static Task created(String id, String jobId, String parentId, int position, TaskSpec spec, int attempts,
      Instant at) {
    return new Task(id, jobId, parentId, position, spec, TaskState.SCHEDULED, at, at, null, null, null, null, null,
        null, null, 0, attempts, 1, 0);
  }

  /** The fencing token of the current run: a result carrying another one is stale. */
  public String attemptId() {
    return id + "-" + run;
  }

  /** The id of the job a {@code subjob} task's current run starts: the same for the same run, on any node. */
  @JsonIgnore
  public String subJobId() {
    return Ids.derived("jtork-subjob:" + attemptId());
  }

  /** Not a field: without the annotation Jackson wrote {@code "topLevel"} into every snapshot's executions. */
  @JsonIgnore
  public boolean isTopLevel() {
    return parentId == null;
  }

  /**
   * A run of this execution is under way: queued or running on a worker, or, for a
   * {@code subjob}, its child job running. A {@code parallel} or {@code each} runs nothing
   * itself (its children do).
   */
  public boolean hasRunInProgress() {
    if (spec != null && spec.subjob() != null) return state == TaskState.RUNNING;
    if (spec != null && spec.isComposite()) return false;
    return state == TaskState.SCHEDULED || state == TaskState.RUNNING;
  }

  public Task started(int run, String nodeId, String workerAddress, Instant at) {
    return new Task(id, jobId, parentId, position, spec, TaskState.RUNNING, createdAt, scheduledAt, at, null, null,
        nodeId, workerAddress, null, null, progress, attempts, run, redelivered);
  }

  public Task progressed(double p) {
    return new Task(id, jobId, parentId, position, spec, state, createdAt, scheduledAt, startedAt, completedAt,
        failedAt, nodeId, workerAddress, error, result, p, attempts, run, redelivered);
  }

  public Task completed(String output, Instant at) {
    return new Task(id, jobId, parentId, position, spec, TaskState.COMPLETED, createdAt, scheduledAt, startedAt, at,
        null, nodeId, workerAddress, null, output, 100, attempts, run, redelivered);
  }

  /** FAILED with {@code err}; {@code handedTo}, when given, names the node if the start never did. */
  public Task failed(String err, String handedTo, Instant at) {
    String node = nodeId == null ? handedTo : nodeId;
    return new Task(id, jobId, parentId, position, spec, TaskState.FAILED, createdAt, scheduledAt, startedAt, null,
        at, node, workerAddress, err, result, progress, attempts, run, redelivered);
  }

  public Task cancelled(Instant at) {
    return new Task(id, jobId, parentId, position, spec, TaskState.CANCELLED, createdAt, scheduledAt, startedAt, null,
        null, nodeId, workerAddress, error, result, progress, attempts, run, redelivered);
  }

  public Task skipped(Instant at) {
    return new Task(id, jobId, parentId, position, spec, TaskState.SKIPPED, createdAt, scheduledAt, startedAt, at,
        null, nodeId, workerAddress, null, null, progress, attempts, run, redelivered);
  }

  /** Queued only from {@code at} on (a retry that waits out its backoff). */
  public Task scheduledFor(Instant at) {
    return new Task(id, jobId, parentId, position, spec, state, createdAt, at, startedAt, completedAt, failedAt, nodeId,
        workerAddress, error, result, progress, attempts, run, redelivered);
  }

  /** Held back, not queued yet (an {@code each} child beyond its concurrency). */
  public Task held() {
    return new Task(id, jobId, parentId, position, spec, TaskState.CREATED, createdAt, null, null, null, null, null,
        null, null, null, 0, attempts, run, redelivered);
  }

  /** Let go after being held: queued now. */
  public Task released(Instant at) {
    return new Task(id, jobId, parentId, position, spec, TaskState.SCHEDULED, createdAt, at, null, null, null, null,
        null, null, null, 0, attempts, run, redelivered);
  }

  /** Back in the queue under a new run number, after its worker was lost. */
  public Task requeued(int newRun, Instant at) {
    return new Task(id, jobId, parentId, position, spec, TaskState.SCHEDULED, createdAt, at, null, null, null, null,
        null, null, null, 0, attempts, newRun, redelivered + 1);
  }

  @Override
  public String toString() {
    return "Task[id=" + id + ", name=" + (spec == null ? null : spec.name()) + ", state=" + state + ", run=" + run + "]";
  }
}
