package io.jtork.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.jtork.spec.RetrySpec;
import java.time.Duration;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

/** The scaled retry delay never overflows nor goes negative, for the longest accepted initial delay. */
class RetryDelayTest {
  @Property(tries = 300)
  void scaledDelaysStayBetweenZeroAndADay(@ForAll @IntRange(min = 0, max = 4800) int hours,
      @ForAll @DoubleRange(min = -10, max = 1e300) double factor, @ForAll @IntRange(min = 0, max = 100_000) int attempts) {
    Duration d = JobDecider.retryDelay(new RetrySpec(10, hours + "h", factor), attempts);
    assertThat(d).isBetween(Duration.ZERO, Duration.ofDays(1));
  }

  @Property(tries = 50)
  void aDelayUnderADayIsKeptForTheFirstRetry(@ForAll @IntRange(min = 1, max = 86_400) int seconds) {
    assertThat(JobDecider.retryDelay(new RetrySpec(1, seconds + "s", 2.0), 0)).isEqualTo(Duration.ofSeconds(seconds));
  }
}
