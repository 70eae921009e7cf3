package io.jtork.event;

import io.jtork.model.Job;
import io.jtork.model.JobState;
import java.time.Instant;

/** Someone cancelled the job; {@code by} is the username. */
public record JobCancelled(String by, Instant at) implements JobEvent {
  @Override
  public Job applyTo(Job job) {
    return job.withState(JobState.CANCELLED);
  }
}
