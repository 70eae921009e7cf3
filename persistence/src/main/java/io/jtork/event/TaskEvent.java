package io.jtork.event;

/**
 * An event about one execution that already exists: it changes that execution ({@link #taskId()})
 * and no other. {@link TaskCreated} adds one instead; every other event leaves the executions as
 * they are. Consumers that react to changed executions (webhooks) look at that one execution
 * instead of comparing every execution of the job before and after.
 */
public sealed interface TaskEvent extends JobEvent
    permits TaskStarted, TaskProgressed, TaskCompleted, TaskFailed, TaskCancelled, TaskSkipped, TaskRunLost,
    TaskReleased {

  String taskId();
}
