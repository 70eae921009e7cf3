package io.jtork.event;

import io.jtork.model.Job;
import java.time.Instant;

/** The job's first task was created: SCHEDULED, at position 1. */
public record JobStarted(Instant at) implements JobEvent {
  @Override
  public Job applyTo(Job job) {
    return job.started(at);
  }
}
