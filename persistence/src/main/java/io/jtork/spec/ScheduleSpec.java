package io.jtork.spec;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Locale;

/**
 * When a scheduled job fires. Accepted only by {@code POST /scheduled-jobs}; {@code POST /jobs}
 * rejects it as an unknown field, as Tork does.
 *
 * @param cron Tork's 5-field cron (minute hour day-of-month month day-of-week); beyond Tork, a
 *     6-field form with seconds first, the descriptors {@code @hourly}, {@code @daily}... and
 *     {@code @every <duration>}
 * @param timezone an IANA zone the cron is read in; UTC when empty
 * @param catchUp what happens to fires that came due while no node ran the schedule:
 *     {@code none}, {@code last} (the default) or {@code all} (capped by configuration)
 * @param overlap {@code allow} (the default, as Tork) or {@code skip}: no fire while the job of
 *     the previous one is still active
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ScheduleSpec(String cron, String timezone, String catchUp, String overlap) {

  /** Fires missed while no node ran the schedule. */
  public enum CatchUp { NONE, LAST, ALL }

  /** Whether a fire may start while the previous fire's job is still active. */
  public enum Overlap { ALLOW, SKIP }

  public ScheduleSpec(String cron) {
    this(cron, null, null, null);
  }

  /** The policy; {@code last} when not given. Call only on a validated spec. */
  @JsonIgnore
  public CatchUp catchUpPolicy() {
    return catchUp == null || catchUp.isBlank() ? CatchUp.LAST : CatchUp.valueOf(catchUp.trim().toUpperCase(Locale.ROOT));
  }

  /** The policy; {@code allow} when not given. Call only on a validated spec. */
  @JsonIgnore
  public Overlap overlapPolicy() {
    return overlap == null || overlap.isBlank() ? Overlap.ALLOW : Overlap.valueOf(overlap.trim().toUpperCase(Locale.ROOT));
  }
}
