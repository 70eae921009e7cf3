package io.jtork.event;

import io.jtork.model.Job;
import java.time.Instant;

/** A task's {@code if} evaluated to {@code false}, so it did not run. */
public record TaskSkipped(String taskId, Instant at) implements TaskEvent {
  @Override
  public Job applyTo(Job job) {
    return job.updateTask(taskId, t -> t.skipped(at));
  }
}
