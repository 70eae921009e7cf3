package io.jtork.event;

import io.jtork.model.Job;
import io.jtork.model.JobState;
import java.time.Instant;

/** A task of the job started on a worker, so the job is RUNNING. */
public record JobRunning(Instant at) implements JobEvent {
  @Override
  public Job applyTo(Job job) {
    return job.withState(JobState.RUNNING);
  }
}
