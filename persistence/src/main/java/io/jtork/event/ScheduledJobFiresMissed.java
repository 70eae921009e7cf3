package io.jtork.event;

import io.jtork.model.ScheduledJob;
import java.time.Instant;

/**
 * Fires from {@code first} to {@code last} ({@code count} of them, counted up to a cap) came due
 * while no node ran the schedule, and its {@code catchUp} policy ({@code policy}) drops them.
 */
public record ScheduledJobFiresMissed(Instant first, Instant last, long count, String policy, Instant at)
    implements ScheduledJobEvent {
  @Override
  public ScheduledJob applyTo(ScheduledJob s) {
    return s.handled(last, null);
  }
}
