package io.jtork.event;

import io.jtork.model.Job;
import java.time.Instant;

/** A task execution failed with {@code error} (non-zero exit, timeout, bad template...). */
public record TaskFailed(String taskId, String error, Instant at) implements JobEvent {
  @Override
  public Job applyTo(Job job) {
    return job.updateTask(taskId, t -> t.failed(error, at));
  }
}
