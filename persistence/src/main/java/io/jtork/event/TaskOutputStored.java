package io.jtork.event;

import io.jtork.model.Job;
import java.time.Instant;

/**
 * A task inside a composite ({@code parallel} or {@code each}) completed with a {@code var}: its
 * output lands in {@code context.tasks} (a top-level task's lands there with {@link JobAdvanced}).
 */
public record TaskOutputStored(String var, String output, Instant at) implements JobEvent {
  @Override
  public Job applyTo(Job job) {
    return job.withContext(job.context().withTaskOutput(var, output));
  }

  @Override
  public String toString() {
    return "TaskOutputStored[var=" + var + "]";
  }
}
