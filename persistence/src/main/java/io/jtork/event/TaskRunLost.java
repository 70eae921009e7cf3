package io.jtork.event;

import io.jtork.model.Job;
import java.time.Instant;

/**
 * Run {@code run} of a task was lost with its worker (the node died, was downed or restarted);
 * the task goes back to the queue as run {@code run + 1}. {@code reason} says what happened.
 */
public record TaskRunLost(String taskId, int run, String reason, Instant at) implements TaskEvent {
  @Override
  public Job applyTo(Job job) {
    return job.updateTask(taskId, t -> t.requeued(run + 1, at));
  }
}
