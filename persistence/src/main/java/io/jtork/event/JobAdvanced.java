package io.jtork.event;

import io.jtork.model.Job;
import java.time.Instant;

/**
 * A top-level task completed: the job moves to {@code position} with {@code progress}, and the
 * task's output, when it has a {@code var}, lands in {@code context.tasks}.
 */
public record JobAdvanced(int position, double progress, String var, String output, Instant at) implements JobEvent {
  @Override
  public Job applyTo(Job job) {
    Job j = job.advanced(position, progress);
    return var == null || var.isEmpty() ? j : j.withContext(j.context().withTaskOutput(var, output));
  }

  @Override
  public String toString() {
    return "JobAdvanced[position=" + position + ", var=" + var + "]";
  }
}
