package io.jtork.event;

import io.jtork.model.ScheduledJob;
import io.jtork.model.ScheduledJobState;
import java.time.Instant;

/** The scheduled job was deleted by {@code by}. It never fires again, and it is gone from the API. */
public record ScheduledJobDeleted(String by, Instant at) implements ScheduledJobEvent {
  @Override
  public ScheduledJob applyTo(ScheduledJob s) {
    return s.withState(ScheduledJobState.DELETED, null);
  }
}
