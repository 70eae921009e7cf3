package io.jtork.event;

import io.jtork.model.Job;
import io.jtork.model.JobState;
import java.time.Instant;

/**
 * The finished job was deleted by {@code by} ({@code reason}: its {@code autoDelete}, or the
 * retention of finished jobs). It answers 404 from then on, and the read side drops its rows and
 * logs; its journal stays, for audit.
 */
public record JobDeleted(String by, String reason, Instant at) implements JobEvent {
  @Override
  public Job applyTo(Job job) {
    return job.withState(JobState.DELETED);
  }
}
