package io.jtork.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CronScheduleTest {
  private static Instant t(String s) {
    return Instant.parse(s);
  }

  private static List<Instant> fires(CronSchedule c, Instant from, int n) {
    List<Instant> out = new ArrayList<>();
    Instant at = from;
    for (int i = 0; i < n; i++) {
      at = c.nextAfter(at).orElseThrow();
      out.add(at);
    }
    return out;
  }

  @Test
  void fiveFieldsAreTorksMinuteCron() {
    CronSchedule c = CronSchedule.parse("*/15 * * * *", null);
    assertThat(fires(c, t("2026-11-29T10:07:30Z"), 3))
        .containsExactly(t("2026-11-29T10:15:00Z"), t("2026-11-29T10:30:00Z"), t("2026-11-29T10:45:00Z"));
  }

  @Test
  void sixFieldsStartWithSeconds() {
    CronSchedule c = CronSchedule.parse("*/2 * * * * *", null);
    assertThat(fires(c, t("2026-11-29T10:00:00.500Z"), 3))
        .containsExactly(t("2026-11-29T10:00:02Z"), t("2026-11-29T10:00:04Z"), t("2026-11-29T10:00:06Z"));
  }

  @Test
  void nextIsStrictlyAfterEvenOnAFireInstant() {
    CronSchedule c = CronSchedule.parse("0 * * * * *", null);
    assertThat(c.nextAfter(t("2026-11-29T10:01:00Z"))).contains(t("2026-11-29T10:02:00Z"));
    assertThat(c.nextAfter(t("2026-11-29T10:00:59.999Z"))).contains(t("2026-11-29T10:01:00Z"));
  }

  @Test
  void dayOfWeekAcceptsSundayAsZeroOrSeven() {
    Instant saturday = t("2026-11-28T12:00:00Z");
    assertThat(CronSchedule.parse("0 9 * * 0", null).nextAfter(saturday)).contains(t("2026-11-29T09:00:00Z"));
    assertThat(CronSchedule.parse("0 9 * * 7", null).nextAfter(saturday)).contains(t("2026-11-29T09:00:00Z"));
    assertThat(CronSchedule.parse("0 9 * * MON-FRI", null).nextAfter(saturday)).contains(t("2026-11-30T09:00:00Z"));
  }

  @Test
  void descriptorsAsRobfigCron() {
    Instant from = t("2026-11-29T10:07:30Z");
    assertThat(CronSchedule.parse("@hourly", null).nextAfter(from)).contains(t("2026-11-29T11:00:00Z"));
    assertThat(CronSchedule.parse("@daily", null).nextAfter(from)).contains(t("2026-11-30T00:00:00Z"));
    assertThat(CronSchedule.parse("@monthly", null).nextAfter(from)).contains(t("2026-12-01T00:00:00Z"));
  }

  @Test
  void everyIsAlignedToTheEpoch() {
    CronSchedule c = CronSchedule.parse("@every 10s", null);
    assertThat(fires(c, t("2026-11-29T10:00:03Z"), 2))
        .containsExactly(t("2026-11-29T10:00:10Z"), t("2026-11-29T10:00:20Z"));
    assertThat(c.latestAtOrBefore(t("2026-11-29T10:00:19Z"))).contains(t("2026-11-29T10:00:10Z"));
  }

  @Test
  void timeZoneMovesTheInstant() {
    CronSchedule c = CronSchedule.parse("0 9 * * *", "Europe/Berlin");
    assertThat(c.nextAfter(t("2026-11-29T00:00:00Z"))).contains(t("2026-11-29T08:00:00Z"));
    assertThat(c.nextAfter(t("2026-07-01T00:00:00Z"))).contains(t("2026-07-01T07:00:00Z"));
  }

  @Test
  void daylightSavingNeverFiresTwiceOrGoesBackwards() {
    // New York: 2026-03-08 02:00 → 03:00 (no 02:30), 2026-11-01 02:00 → 01:00 (01:30 twice).
    CronSchedule c = CronSchedule.parse("30 1,2 * * *", "America/New_York");
    List<Instant> spring = fires(c, t("2026-03-07T12:00:00Z"), 4);
    List<Instant> autumn = fires(c, t("2026-10-31T12:00:00Z"), 4);
    for (List<Instant> f : List.of(spring, autumn)) {
      assertThat(f).doesNotHaveDuplicates().isSorted();
    }
    // 01:30 EST on March 8 exists once; 02:30 does not exist that day.
    assertThat(spring).contains(t("2026-03-08T06:30:00Z"));
    // On November 1, 01:30 happens twice (EDT and EST): a daily job must not run twice in an hour
    // except for what the cron asks for (01:30 and 02:30 local).
    assertThat(autumn.stream().filter(i -> i.isAfter(t("2026-11-01T04:00:00Z"))
        && i.isBefore(t("2026-11-01T09:00:00Z")))).hasSizeLessThanOrEqualTo(3);
  }

  @Test
  void latestAtOrBeforeIncludesAnExactFire() {
    CronSchedule c = CronSchedule.parse("*/5 * * * * *", null);
    assertThat(c.latestAtOrBefore(t("2026-11-29T10:00:05Z"))).contains(t("2026-11-29T10:00:05Z"));
    assertThat(c.latestAtOrBefore(t("2026-11-29T10:00:07.250Z"))).contains(t("2026-11-29T10:00:05Z"));
  }

  @Test
  void badCronsSayWhatIsWrong() {
    assertThatThrownBy(() -> CronSchedule.parse("* * *", null)).hasMessage(
        "\"* * *\" has 3 fields; expected 5 (minute hour day-of-month month day-of-week) or 6 (second first)");
    assertThatThrownBy(() -> CronSchedule.parse("61 * * * *", null))
        .hasMessageStartingWith("\"61 * * * *\" is not a valid cron expression: ");
    assertThatThrownBy(() -> CronSchedule.parse("@sometimes", null))
        .hasMessageStartingWith("\"@sometimes\" is not a valid cron expression");
    assertThatThrownBy(() -> CronSchedule.parse("@every soon", null))
        .hasMessage("\"@every soon\": \"soon\" is not a duration (such as 30s, 5m or 1h30m)");
    assertThatThrownBy(() -> CronSchedule.parse("@every 500ms", null))
        .hasMessage("\"@every 500ms\": the interval must be at least 1s");
    assertThatThrownBy(() -> CronSchedule.parse("* * * * *", "Mars/Olympus"))
        .hasMessage("unknown time zone \"Mars/Olympus\" (use an IANA name such as Europe/Berlin or America/New_York)");
  }
}
