package io.jtork.event;

import io.jtork.model.Job;
import java.time.Instant;

/**
 * A task held back as CREATED (an {@code each} child beyond its {@code concurrency}) is let go:
 * it is SCHEDULED and queued.
 */
public record TaskReleased(String taskId, Instant at) implements TaskEvent {
  @Override
  public Job applyTo(Job job) {
    return job.updateTask(taskId, t -> t.released(at));
  }
}
