package io.jtork.model;

import io.jtork.serialization.JtorkSerializable;
import io.jtork.spec.ScheduledJobSpec;
import java.time.Instant;

/**
 * A scheduled job's state, as its entity recovers it from the journal.
 *
 * @param activeSince when it last became ACTIVE (created or resumed): no fire before this is due
 * @param lastFireTime the scheduled instant of the last fire handled (fired, skipped or missed)
 * @param lastJobId the job the last fire submitted, for {@code overlap: skip}
 * @param fires how many jobs it has submitted
 */
public record ScheduledJob(
    String id,
    ScheduledJobSpec spec,
    ScheduledJobState state,
    UserRef createdBy,
    Instant createdAt,
    Instant activeSince,
    Instant lastFireTime,
    String lastJobId,
    long fires) implements JtorkSerializable {

  public static ScheduledJob empty(String id) {
    return new ScheduledJob(id, null, null, null, null, null, null, null, 0);
  }

  /** Created and not deleted. */
  public boolean exists() {
    return state != null && state != ScheduledJobState.DELETED;
  }

  public String cron() {
    return spec == null || spec.schedule() == null ? null : spec.schedule().cron();
  }

  public ScheduledJob withState(ScheduledJobState s, Instant activeFrom) {
    return new ScheduledJob(id, spec, s, createdBy, createdAt, activeFrom == null ? activeSince : activeFrom,
        lastFireTime, lastJobId, fires);
  }

  public ScheduledJob handled(Instant fireTime, String jobId) {
    Instant last = lastFireTime == null || fireTime.isAfter(lastFireTime) ? fireTime : lastFireTime;
    return new ScheduledJob(id, spec, state, createdBy, createdAt, activeSince, last,
        jobId == null ? lastJobId : jobId, jobId == null ? fires : fires + 1);
  }

  @Override
  public String toString() {
    return "ScheduledJob[" + id + ", " + state + ", " + cron() + "]";
  }
}
