package io.jtork.event;

import io.jtork.model.Job;
import java.time.Instant;

/**
 * A task execution failed with {@code error}, for the reason {@code cause}.
 *
 * <p>Schema version 2. Version 1 had no {@code cause}: the reason was only in the error's words.
 * Version 1 events stay in the journal as they were written and are upgraded as they are read by
 * {@code io.jtork.migration.TaskFailedMigration} (Pekko's {@code JacksonMigration}; the version is
 * the suffix of the journal's {@code event_ser_manifest}, {@code io.jtork.event.TaskFailed#2}).
 *
 * <p>{@code nodeId} is the worker a run was handed to when its start was never recorded: a run
 * lost with its worker after the hand-over and before the worker confirmed the start (it may
 * have begun there). It is null for every other failure, whose execution names its node from
 * the start on. An optional field added within version 2: events without it read as null, and a
 * node that does not know it ignores it.
 */
public record TaskFailed(String taskId, String error, Cause cause, String nodeId, Instant at) implements TaskEvent {
  /** The form of this record: the number after '#' in the manifest of each event written now. */
  public static final int SCHEMA_VERSION = 2;

  /** Why an execution failed, and so who decided it. */
  public enum Cause {
    /** The task failed on its worker: a non-zero exit, a runtime error (reported by the worker). */
    TASK,
    /** Its worker stopped it when it ran longer than its {@code timeout} (reported by the worker). */
    TIMEOUT,
    /** Its worker gave no result within the timeout and a grace period (decided by jtork). */
    DEADLINE,
    /** Its worker left the cluster or restarted while it ran (decided by jtork). */
    WORKER_LOST,
    /** No worker took it from its queue within {@code jtork.task.queue-timeout} (decided by jtork). */
    NOT_DISPATCHED,
    /** It was lost with its worker more often than {@code jtork.job.max-redeliveries} allows. */
    REDELIVERIES,
    /** A template of the task could not be evaluated (decided by jtork before it ran). */
    INVALID,
    /** A composite task (parallel, each) failed because one of its children did. */
    CHILD,
    /** Its sub-job failed, was cancelled or was not accepted. */
    SUBJOB;

    /** Whether a worker reported this failure (rather than jtork deciding it). */
    public boolean reportedByWorker() {
      return this == TASK || this == TIMEOUT;
    }
  }

  @Override
  public Job applyTo(Job job) {
    return job.updateTask(taskId, t -> t.failed(error, nodeId, at));
  }
}
