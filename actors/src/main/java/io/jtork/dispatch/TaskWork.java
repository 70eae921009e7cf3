package io.jtork.dispatch;

import io.jtork.spec.TaskSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One run of a task, as a worker needs it: the evaluated spec, the queue, the timeout and the
 * secret values to redact from its output and errors.
 */
public record TaskWork(
    String jobId,
    String taskId,
    int run,
    int position,
    Instant taskCreatedAt,
    String queue,
    int priority,
    TaskSpec spec,
    Duration timeout,
    List<String> secretValues,
    Instant notBefore) {

  public TaskWork {
    secretValues = secretValues == null ? List.of() : List.copyOf(secretValues);
  }

  public String attemptId() {
    return taskId + "-" + run;
  }

  @Override
  public String toString() {
    return "TaskWork[" + attemptId() + " of job " + jobId + ", queue " + queue + "]";
  }
}
