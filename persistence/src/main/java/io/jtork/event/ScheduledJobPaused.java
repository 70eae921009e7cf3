package io.jtork.event;

import io.jtork.model.ScheduledJob;
import io.jtork.model.ScheduledJobState;
import java.time.Instant;

/** The scheduled job was paused by {@code by}. No fire until it is resumed. */
public record ScheduledJobPaused(String by, Instant at) implements ScheduledJobEvent {
  @Override
  public ScheduledJob applyTo(ScheduledJob s) {
    return s.withState(ScheduledJobState.PAUSED, null);
  }
}
