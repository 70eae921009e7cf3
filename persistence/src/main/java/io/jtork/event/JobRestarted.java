package io.jtork.event;

import io.jtork.model.Job;
import java.time.Instant;

/** A FAILED or CANCELLED job runs again from its current position; {@code by} is the username. */
public record JobRestarted(String by, Instant at) implements JobEvent {
  @Override
  public Job applyTo(Job job) {
    return job.restarted();
  }
}
