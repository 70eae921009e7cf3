package io.jtork.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * The scheduled job that fired a job: Tork's job {@code schedule{id,cron}}, plus (beyond Tork)
 * {@code fireTime}, the scheduled instant of the fire that created this job.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ScheduleRef(String id, String cron, Instant fireTime) {
  public ScheduleRef(String id, String cron) {
    this(id, cron, null);
  }
}
