package io.jtork.event;

import io.jtork.model.ScheduledJob;
import io.jtork.model.ScheduledJobState;
import java.time.Instant;

/**
 * The scheduled job was resumed by {@code by}. It fires again from {@code at}; fires that came
 * due while it was paused are not caught up.
 */
public record ScheduledJobResumed(String by, Instant at) implements ScheduledJobEvent {
  @Override
  public ScheduledJob applyTo(ScheduledJob s) {
    return s.withState(ScheduledJobState.ACTIVE, at);
  }
}
