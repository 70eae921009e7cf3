package io.jtork.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** POST /scheduled-jobs input: the job rules plus the schedule's, each with the message a user sees. */
class ScheduledJobSpecTest {
  private static final ExpressionChecker EXPR = e -> Optional.empty();

  private static List<String> errors(String yaml) {
    try {
      JobSpecValidator.parseScheduled(yaml, JobSpecReader.Format.YAML, EXPR, BindPolicy.DENY);
      return List.of();
    } catch (InvalidSpecException e) {
      return e.errors().stream().map(SpecError::toString).toList();
    }
  }

  private static String withSchedule(String schedule) {
    return "name: s\nschedule: " + schedule + "\ntasks:\n- name: a\n  run: echo hi\n";
  }

  static Stream<Arguments> rules() {
    return Stream.of(
        Arguments.of("no schedule", "name: s\ntasks:\n- name: a\n", List.of("schedule: required")),
        Arguments.of("no cron", withSchedule("{}"), List.of("schedule.cron: required")),
        Arguments.of("bad cron", withSchedule("{cron: \"every day\"}"), List.of("schedule.cron: \"every day\" has 2"
            + " fields; expected 5 (minute hour day-of-month month day-of-week) or 6 (second first)")),
        Arguments.of("out of range", withSchedule("{cron: \"0 25 * * *\"}"),
            List.of("schedule.cron: \"0 25 * * *\" is not a valid cron expression:"
                + " Value 25 not in range [0, 23]")),
        Arguments.of("never fires", withSchedule("{cron: \"0 0 30 2 *\"}"),
            List.of("schedule.cron: \"0 0 30 2 *\" never fires")),
        Arguments.of("time zone", withSchedule("{cron: \"* * * * *\", timezone: Europe/Atlantis}"),
            List.of("schedule.timezone: unknown time zone \"Europe/Atlantis\" (use an IANA name such as Europe/Berlin"
                + " or America/New_York)")),
        Arguments.of("catchUp", withSchedule("{cron: \"* * * * *\", catchUp: some}"),
            List.of("schedule.catchUp: must be one of none, last, all (got \"some\")")),
        Arguments.of("overlap", withSchedule("{cron: \"* * * * *\", overlap: queue}"),
            List.of("schedule.overlap: must be one of allow, skip (got \"queue\")")),
        Arguments.of("unknown schedule field", withSchedule("{cron: \"* * * * *\", every: 5}"),
            List.of("schedule.every: unknown field")),
        Arguments.of("wait is not for schedules", "name: s\nwait: {timeout: 1s}\nschedule: {cron: \"* * * * *\"}\n"
            + "tasks:\n- name: a\n", List.of("wait: unknown field")),
        Arguments.of("job rules still apply", "schedule: {cron: \"* * * * *\"}\ntasks:\n- run: x\n",
            List.of("name: required", "tasks[0].name: required")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rules")
  void rejectsWithTheExactMessage(String rule, String yaml, List<String> expected) {
    assertThat(errors(yaml)).containsExactlyElementsOf(expected);
  }

  @Test
  void everyErrorOfAScheduledJobInOneGo() {
    assertThat(errors("tasks:\n- name: a\n  priority: 12\nschedule: {cron: \"* *\", timezone: Nowhere, catchUp: x}\n"))
        .extracting(s -> s.substring(0, s.indexOf(':')))
        .containsExactly("name", "tasks[0].priority", "schedule.timezone", "schedule.cron", "schedule.catchUp");
  }

  @Test
  void acceptsEveryForm() throws Exception {
    for (String cron : List.of("*/5 * * * *", "*/2 * * * * *", "@daily", "@every 90s", "0 9 * * MON-FRI")) {
      assertThat(errors(withSchedule("{cron: \"" + cron + "\"}"))).as(cron).isEmpty();
    }
    ScheduledJobSpec s = JobSpecValidator.parseScheduled(withSchedule(
        "{cron: \"0 3 * * *\", timezone: Europe/Berlin, catchUp: ALL, overlap: skip}"), JobSpecReader.Format.YAML, EXPR,
        BindPolicy.DENY);
    assertThat(s.schedule().catchUpPolicy()).isEqualTo(ScheduleSpec.CatchUp.ALL);
    assertThat(s.schedule().overlapPolicy()).isEqualTo(ScheduleSpec.Overlap.SKIP);
    assertThat(s.job().waitFor()).isNull();
    assertThat(s.job().tasks()).hasSize(1);
  }

  @Test
  void defaultsAreLastAndAllow() throws Exception {
    ScheduledJobSpec s = JobSpecValidator.parseScheduled(withSchedule("{cron: \"@hourly\"}"),
        JobSpecReader.Format.YAML, EXPR, BindPolicy.DENY);
    assertThat(s.schedule().catchUpPolicy()).isEqualTo(ScheduleSpec.CatchUp.LAST);
    assertThat(s.schedule().overlapPolicy()).isEqualTo(ScheduleSpec.Overlap.ALLOW);
  }

  @Test
  void aScheduleIsAnUnknownFieldOfAPlainJob() {
    assertThatThrownBy(() -> JobSpecReader.readJob(withSchedule("{cron: \"* * * * *\"}"), JobSpecReader.Format.YAML))
        .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.errors())
            .extracting(SpecError::toString).containsExactly("schedule: unknown field"));
  }
}
