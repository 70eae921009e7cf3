package io.jtork.redact;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RedactorTest {
  @Test
  void redactsSecretLookingKeysAndSecretValuesLikeTorksFixture() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("secret_1", "secret");
    env.put("PASSword", "password");
    env.put("AWS_ACCESS_KEY_ID", "some-key");
    env.put("harmless", "hello world");
    env.put("URL", "https://user:hunter2@example.com");
    assertThat(Redactor.defaults().redactMap(env, List.of("hunter2"))).containsExactly(
        Map.entry("secret_1", "[REDACTED]"), Map.entry("PASSword", "[REDACTED]"),
        Map.entry("AWS_ACCESS_KEY_ID", "[REDACTED]"), Map.entry("harmless", "hello world"),
        Map.entry("URL", "https://user:[REDACTED]@example.com"));
  }

  @Test
  void replacesTheLongestSecretFirst() {
    assertThat(Redactor.redactValues("abc abcdef", List.of("abc", "abcdef"))).isEqualTo("[REDACTED] [REDACTED]");
  }

  @Test
  void customPatternsReplaceTheDefaults() {
    Redactor r = new Redactor(List.of("TOKEN*"));
    assertThat(r.isSecretKey("token_x")).isTrue();
    assertThat(r.isSecretKey("MY_TOKEN")).isFalse();
    assertThat(r.isSecretKey("PASSWORD")).isFalse();
  }

  @Test
  void leavesTextWithoutSecretsAlone() {
    assertThat(Redactor.redactValues("nothing here", List.of("", "zzz"))).isEqualTo("nothing here");
    assertThat(Redactor.redactValues(null, List.of("x"))).isNull();
  }
}
