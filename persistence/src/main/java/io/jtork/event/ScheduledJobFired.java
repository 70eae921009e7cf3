package io.jtork.event;

import io.jtork.model.ScheduledJob;
import java.time.Instant;

/**
 * The fire of {@code fireTime} submitted job {@code jobId} (an id derived from the scheduled job
 * and {@code fireTime}, so that a fire retried after a crash lands on the same job).
 */
public record ScheduledJobFired(Instant fireTime, String jobId, Instant at) implements ScheduledJobEvent {
  @Override
  public ScheduledJob applyTo(ScheduledJob s) {
    return s.handled(fireTime, jobId);
  }
}
