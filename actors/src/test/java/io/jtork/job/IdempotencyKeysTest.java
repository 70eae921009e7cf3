package io.jtork.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.jtork.model.Ids;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IdempotencyKeysTest {
  @Test
  void theIdDependsOnTheCallerTheKeyAndTheKindOfDocument() {
    String id = IdempotencyKeys.jobId("alice", "order-17");
    assertThat(Ids.isValid(id)).isTrue();
    assertThat(IdempotencyKeys.jobId("alice", "order-17")).isEqualTo(id);
    assertThat(IdempotencyKeys.jobId("bob", "order-17")).as("another user's key is another job").isNotEqualTo(id);
    assertThat(IdempotencyKeys.jobId("alice", "order-18")).isNotEqualTo(id);
    assertThat(IdempotencyKeys.scheduledJobId("alice", "order-17")).isNotEqualTo(id);
    // The separator cannot be forged from either side.
    assertThat(IdempotencyKeys.jobId("a|b", "c")).isNotEqualTo(IdempotencyKeys.jobId("a", "b|c"));
  }

  @Test
  void aKeyMustBePrintableAsciiOfAtMost255Characters() {
    assertThat(IdempotencyKeys.problem("6f1c2a3e-0d4b-4c55-9e61-1a2b3c4d5e6f")).isEmpty();
    assertThat(IdempotencyKeys.problem("x".repeat(255))).isEmpty();
    assertThat(IdempotencyKeys.problem("x".repeat(256))).hasValue(
        "Idempotency-Key is 256 characters long; at most 255 are allowed");
    assertThat(IdempotencyKeys.problem("")).hasValue("Idempotency-Key is empty");
    assertThat(IdempotencyKeys.problem("  ")).hasValue("Idempotency-Key is empty");
    assertThat(IdempotencyKeys.problem("ab\u0000")).hasValue(
        "Idempotency-Key may hold only printable ASCII characters; character 3 is U+0000");
    assertThat(IdempotencyKeys.problem("clé")).hasValue(
        "Idempotency-Key may hold only printable ASCII characters; character 3 is U+00E9");
  }

  record Doc(String name, Map<String, String> inputs, List<String> tags) {}

  @Test
  void documentsAreTheSameWhenTheirJsonIs() {
    Map<String, String> ab = new LinkedHashMap<>();
    ab.put("a", "1");
    ab.put("b", "2");
    Map<String, String> ba = new LinkedHashMap<>();
    ba.put("b", "2");
    ba.put("a", "1");
    assertThat(IdempotencyKeys.sameDocument(new Doc("n", ab, List.of("x")), new Doc("n", ba, List.of("x")))).isTrue();
    assertThat(IdempotencyKeys.sameDocument(new Doc("n", ab, List.of("x")), new Doc("m", ab, List.of("x")))).isFalse();
    assertThat(IdempotencyKeys.sameDocument(new Doc("n", ab, List.of("x", "y")), new Doc("n", ab, List.of("y", "x"))))
        .as("order in a list matters").isFalse();
  }
}
