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
  void theJobsSetHoldsSecretLookingLiteralsFromEveryPartOfItsSpecButNotTemplates() throws Exception {
    io.jtork.spec.JobSpec spec = io.jtork.spec.JobSpecReader.readJob("""
        name: set
        secrets: {api: s-api}
        inputs: {DB_PASSWORD: s-input, plain: not-secret}
        webhooks:
        - url: http://example.com
          headers: {X-Hook-Secret: s-header, X-Other: not-secret-header}
        tasks:
        - name: a
          env: {MY_PASSWORD: s-env, FROM_TEMPLATE_SECRET: "{{ secrets.api }}", HOME: not-secret-env}
          pre:
          - name: p
            image: alpine
            env: {PRE_ACCESS_KEY: s-pre}
          image: alpine
          registry: {username: u, password: s-registry}
        - name: b
          parallel:
            tasks:
            - name: c
              image: alpine
              env: {NESTED_SECRET: s-nested}
        - name: d
          subjob:
            name: child
            inputs: {CHILD_PASSWORD: s-sub-input, other: not-secret-sub}
            secrets: {k: s-sub-secret}
            tasks:
            - name: e
              image: alpine
              env: {DEEP_SECRET: s-deep}
        """, io.jtork.spec.JobSpecReader.Format.YAML);
    assertThat(Redactor.defaults().secretValues(spec)).containsExactlyInAnyOrder("s-api", "s-input", "s-header",
        "s-env", "s-pre", "s-registry", "s-nested", "s-sub-input", "s-sub-secret", "s-deep");
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
