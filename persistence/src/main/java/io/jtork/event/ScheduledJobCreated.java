package io.jtork.event;

import io.jtork.model.ScheduledJob;
import io.jtork.model.ScheduledJobState;
import io.jtork.model.UserRef;
import io.jtork.spec.ScheduledJobSpec;
import java.time.Instant;

/** A scheduled job was created, ACTIVE from {@code at}. */
public record ScheduledJobCreated(String id, ScheduledJobSpec spec, UserRef createdBy, Instant at)
    implements ScheduledJobEvent {
  @Override
  public ScheduledJob applyTo(ScheduledJob s) {
    return new ScheduledJob(id, spec, ScheduledJobState.ACTIVE, createdBy, at, at, null, null, 0);
  }
}
