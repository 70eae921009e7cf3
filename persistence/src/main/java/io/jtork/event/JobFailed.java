package io.jtork.event;

import io.jtork.model.Job;
import java.time.Instant;

/** The job failed; unlike Tork, its {@code error} is kept on the job. */
public record JobFailed(String error, Instant at) implements JobEvent {
  @Override
  public Job applyTo(Job job) {
    return job.failed(error, at);
  }
}
