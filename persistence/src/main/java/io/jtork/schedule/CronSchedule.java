package io.jtork.schedule;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinition;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import io.jtork.spec.GoDuration;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Locale;
import java.util.Optional;

/**
 * A schedule's fire instants. The cron is parsed and evaluated by cron-utils, in the schedule's
 * time zone, so daylight-saving changes are cron-utils' (a local time that does not exist that
 * day is not fired twice or early; see the tests for what it does).
 *
 * <p>Forms:
 * <ul>
 *   <li>5 fields, Tork's: {@code minute hour day-of-month month day-of-week} (Unix crontab);</li>
 *   <li>6 fields: {@code second} first, then the five above;</li>
 *   <li>{@code @yearly}, {@code @annually}, {@code @monthly}, {@code @weekly}, {@code @daily},
 *       {@code @midnight}, {@code @hourly}, as robfig/cron (which Tork's scheduler uses) has them;</li>
 *   <li>{@code @every <duration>} (a Go duration of at least 1s): instants that are multiples of
 *       the duration since the epoch, so that every node computes the same ones.</li>
 * </ul>
 */
public final class CronSchedule {
  private static final CronParser FIVE = new CronParser(withNicknames(CronDefinitionBuilder.defineCron()
      .withMinutes().withValidRange(0, 59).withStrictRange().and()
      .withHours().withValidRange(0, 23).withStrictRange().and()
      .withDayOfMonth().withValidRange(1, 31).withStrictRange().and()
      .withMonth().withValidRange(1, 12).withStrictRange().and()
      .withDayOfWeek().withValidRange(0, 7).withMondayDoWValue(1).withIntMapping(7, 0).withStrictRange().and()));
  /** {@link CronType#UNIX} with a seconds field in front; cron-utils has no such built-in definition. */
  private static final CronParser SIX = new CronParser(withNicknames(CronDefinitionBuilder.defineCron()
      .withSeconds().withValidRange(0, 59).withStrictRange().and()
      .withMinutes().withValidRange(0, 59).withStrictRange().and()
      .withHours().withValidRange(0, 23).withStrictRange().and()
      .withDayOfMonth().withValidRange(1, 31).withStrictRange().and()
      .withMonth().withValidRange(1, 12).withStrictRange().and()
      .withDayOfWeek().withValidRange(0, 7).withMondayDoWValue(1).withIntMapping(7, 0).withStrictRange().and()));

  private static CronDefinition withNicknames(CronDefinitionBuilder b) {
    return b.withSupportedNicknameYearly().withSupportedNicknameAnnually().withSupportedNicknameMonthly()
        .withSupportedNicknameWeekly().withSupportedNicknameDaily().withSupportedNicknameMidnight()
        .withSupportedNicknameHourly().matchDayOfWeekAndDayOfMonth().instance();
  }

  private final String expression;
  private final ZoneId zone;
  private final ExecutionTime execution;
  private final Duration every;

  private CronSchedule(String expression, ZoneId zone, ExecutionTime execution, Duration every) {
    this.expression = expression;
    this.zone = zone;
    this.execution = execution;
    this.every = every;
  }

  /** Thrown with a message that says what is wrong with the cron or the zone. */
  public static final class InvalidScheduleException extends IllegalArgumentException {
    public InvalidScheduleException(String message) {
      super(message);
    }
  }

  /** The zone a schedule's cron is read in: UTC when none is given. */
  public static ZoneId zone(String timezone) {
    if (timezone == null || timezone.isBlank()) return ZoneOffset.UTC;
    try {
      return ZoneId.of(timezone.trim());
    } catch (DateTimeException e) {
      throw new InvalidScheduleException("unknown time zone \"" + timezone + "\" (use an IANA name such as"
          + " Europe/Berlin or America/New_York)");
    }
  }

  public static CronSchedule parse(String cron, String timezone) {
    ZoneId zone = zone(timezone);
    if (cron == null || cron.isBlank()) throw new InvalidScheduleException("a cron expression is required");
    String expr = cron.trim();
    if (expr.toLowerCase(Locale.ROOT).startsWith("@every")) {
      String d = expr.substring("@every".length()).trim();
      Duration every = GoDuration.parse(d).orElseThrow(() -> new InvalidScheduleException(
          "\"" + cron + "\": \"" + d + "\" is not a duration (such as 30s, 5m or 1h30m)"));
      if (every.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new InvalidScheduleException("\"" + cron + "\": the interval must be at least 1s");
      }
      return new CronSchedule(expr, zone, null, every);
    }
    int fields = expr.startsWith("@") ? 0 : expr.split("\\s+").length;
    if (fields != 0 && fields != 5 && fields != 6) {
      throw new InvalidScheduleException("\"" + cron + "\" has " + fields + " fields; expected 5 (minute hour"
          + " day-of-month month day-of-week) or 6 (second first)");
    }
    Cron parsed;
    try {
      parsed = (fields == 6 ? SIX : FIVE).parse(expr).validate();
    } catch (IllegalArgumentException e) {
      throw new InvalidScheduleException("\"" + cron + "\" is not a valid cron expression: "
          + String.valueOf(e.getMessage()).replace("Failed to parse cron expression. ", ""));
    }
    return new CronSchedule(expr, zone, ExecutionTime.forCron(parsed), null);
  }

  /** The first fire instant strictly after {@code after}; empty if the cron never fires again. */
  public Optional<Instant> nextAfter(Instant after) {
    if (every != null) {
      long step = every.toMillis();
      long ms = after.toEpochMilli();
      return Optional.of(Instant.ofEpochMilli(Math.floorDiv(ms, step) * step + step));
    }
    // cron-utils works to the second; never answer an instant at or before the one asked about.
    ZonedDateTime from = ZonedDateTime.ofInstant(after, zone);
    for (int i = 0; i < 3; i++) {
      Optional<ZonedDateTime> next = execution.nextExecution(from);
      if (next.isEmpty()) return Optional.empty();
      if (next.get().toInstant().isAfter(after)) return Optional.of(next.get().toInstant());
      from = next.get().plusSeconds(1).withNano(0);
    }
    return Optional.empty();
  }

  /** The latest fire instant at or before {@code atOrBefore}; empty if there is none. */
  public Optional<Instant> latestAtOrBefore(Instant atOrBefore) {
    if (every != null) {
      long step = every.toMillis();
      return Optional.of(Instant.ofEpochMilli(Math.floorDiv(atOrBefore.toEpochMilli(), step) * step));
    }
    ZonedDateTime at = ZonedDateTime.ofInstant(atOrBefore, zone);
    if (execution.isMatch(at) && at.getNano() == 0) return Optional.of(atOrBefore);
    return execution.lastExecution(at).map(ZonedDateTime::toInstant);
  }

  public String expression() {
    return expression;
  }

  public ZoneId zone() {
    return zone;
  }
}
