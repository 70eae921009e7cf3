package io.jtork.event;

import io.jtork.model.Job;
import java.time.Instant;

/** A task reported {@code progress} percent; {@code jobProgress} is the job's progress that follows. */
public record TaskProgressed(String taskId, double progress, double jobProgress, Instant at) implements TaskEvent {
  @Override
  public Job applyTo(Job job) {
    return job.updateTask(taskId, t -> t.progressed(progress)).withProgress(jobProgress);
  }
}
