package io.jtork.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Types are not coerced, and durations are bounded by what the scheduler can hold. */
class StrictSpecTest {
  private static List<String> errors(String body, JobSpecReader.Format format) {
    try {
      JobSpec job = JobSpecReader.readJob(body, format);
      return JobSpecValidator.validate(job, e -> Optional.empty()).stream().map(SpecError::toString).toList();
    } catch (InvalidSpecException e) {
      return e.errors().stream().map(SpecError::toString).toList();
    }
  }

  @Test
  void jsonStringsAreNotNumbersNorNumbersStrings() {
    assertThat(errors("{\"name\":\"j\",\"tasks\":[{\"name\":\"a\",\"retry\":{\"limit\":\"3\"}}]}", JobSpecReader.Format.JSON))
        .containsExactly("tasks[0].retry.limit: expected an integer, got \"3\"");
    assertThat(errors("{\"name\":123,\"tasks\":[{\"name\":\"a\"}]}", JobSpecReader.Format.JSON))
        .containsExactly("name: expected a string, got an integer 123");
    assertThat(errors("{\"name\":\"j\",\"tasks\":[{\"name\":\"a\",\"retry\":{\"limit\":2.5}}]}", JobSpecReader.Format.JSON))
        .containsExactly("tasks[0].retry.limit: expected an integer, got 2.5");
    assertThat(errors("{\"name\":\"j\",\"tasks\":[{\"name\":\"a\",\"subjob\":{\"name\":\"s\",\"detached\":\"yes\","
        + "\"tasks\":[{\"name\":\"b\"}]}}]}", JobSpecReader.Format.JSON))
        .containsExactly("tasks[0].subjob.detached: expected true or false, got \"yes\"");
    assertThat(errors("{\"name\":\"j\",\"tasks\":[{\"name\":\"a\",\"retry\":{\"limit\":3}}]}", JobSpecReader.Format.JSON)).isEmpty();
  }

  @Test
  void jsonMapValuesAreStrings() {
    assertThat(errors("{\"name\":\"j\",\"tasks\":[{\"name\":\"a\",\"env\":{\"N\":5}}]}", JobSpecReader.Format.JSON))
        .containsExactly("tasks[0].env.N: expected a string, got an integer");
  }

  @Test
  void yamlQuotedStringsAreNotNumbersButPlainScalarsAreStrings() {
    assertThat(errors("name: j\ntasks:\n- name: a\n  retry:\n    limit: \"3\"\n", JobSpecReader.Format.YAML))
        .containsExactly("tasks[0].retry.limit: expected an integer, got \"3\"");
    assertThat(errors("name: j\ntasks:\n- name: a\n  retry:\n    limit: 3\n", JobSpecReader.Format.YAML)).isEmpty();
    // Go's yaml.v3 reads a plain scalar into a string field, so Tork jobs such as env: {N: 5} keep working.
    assertThat(errors("name: 123\ntasks:\n- name: a\n  env:\n    N: 5\n    B: true\n", JobSpecReader.Format.YAML)).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({"tasks[0].timeout,  'name: j\ntasks:\n- name: a\n  timeout: 6000h\n'",
      "tasks[0].retry.initialDelay, 'name: j\ntasks:\n- name: a\n  retry: {limit: 1, initialDelay: 4801h}\n'",
      "autoDelete.after, 'name: j\nautoDelete: {after: 100000h}\ntasks:\n- name: a\n'",
      "wait.timeout, 'name: j\nwait: {timeout: 2562047h}\ntasks:\n- name: a\n'"})
  void durationsBeyondTheMaximumAreRefusedNamingIt(String path, String yaml) {
    assertThat(errors(yaml, JobSpecReader.Format.YAML)).singleElement().asString()
        .startsWith(path + ": must be at most 4800h (200 days, limit duration.max");
  }

  @Test
  void theMaximumItselfIsAcceptedAndFitsATimer() {
    assertThat(errors("name: j\ntasks:\n- name: a\n  timeout: 4800h\n", JobSpecReader.Format.YAML)).isEmpty();
    assertThat(GoDuration.schedulable(GoDuration.MAX)).isEqualTo(GoDuration.MAX);
    assertThat(GoDuration.schedulable(Duration.ofDays(100_000))).isEqualTo(GoDuration.MAX_TIMER);
    assertThat(GoDuration.schedulable(Duration.ofSeconds(-5))).isEqualTo(Duration.ZERO);
    // 2^31 ticks of Pekko's default 10 ms scheduler tick
    assertThat(GoDuration.MAX_TIMER).isLessThan(Duration.ofMillis(Integer.MAX_VALUE * 10L));
  }

  @Test
  void aDurationBeyondLongNanosIsInvalidNotAnOverflow() {
    assertThat(errors("name: j\ntasks:\n- name: a\n  timeout: 9999999999999h\n", JobSpecReader.Format.YAML))
        .singleElement().asString().startsWith("tasks[0].timeout: invalid duration");
  }
}
