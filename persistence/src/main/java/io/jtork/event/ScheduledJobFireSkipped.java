package io.jtork.event;

import io.jtork.model.ScheduledJob;
import java.time.Instant;

/** The fire of {@code fireTime} submitted no job, for {@code reason} ({@code overlap: skip}). */
public record ScheduledJobFireSkipped(Instant fireTime, String reason, Instant at) implements ScheduledJobEvent {
  @Override
  public ScheduledJob applyTo(ScheduledJob s) {
    return s.handled(fireTime, null);
  }
}
