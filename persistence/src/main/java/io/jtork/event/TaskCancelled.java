package io.jtork.event;

import io.jtork.model.Job;
import java.time.Instant;

/** A task was stopped because its job was cancelled or failed. */
public record TaskCancelled(String taskId, Instant at) implements TaskEvent {
  @Override
  public Job applyTo(Job job) {
    return job.updateTask(taskId, t -> t.cancelled(at));
  }
}
