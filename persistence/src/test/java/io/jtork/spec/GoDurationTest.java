package io.jtork.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class GoDurationTest {
  @ParameterizedTest
  @CsvSource({"5s,5000", "300ms,300", "1m30s,90000", "1.5h,5400000", "2h45m,9900000", "0,0", "1us,0", "+10s,10000",
      ".5s,500"})
  void parsesGoDurations(String text, long millis) {
    assertThat(GoDuration.parse(text)).contains(Duration.ofMillis(millis).plusNanos(text.equals("1us") ? 1000 : 0));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "5", "5 s", "5sec", "1d", "s", "1h-5m", "PT5S"})
  void rejectsEverythingElse(String text) {
    assertThat(GoDuration.parse(text)).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({"5000,5s", "90000,1m30s", "500,500ms", "7200000,2h0m0s", "1500,1.5s"})
  void formatsLikeGo(long millis, String text) {
    assertThat(GoDuration.format(Duration.ofMillis(millis))).isEqualTo(text);
  }
}
