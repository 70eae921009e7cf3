package io.jtork.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** A YAML document cannot make the reader build more than its own size suggests. */
class HostileYamlTest {
  @Test
  void deepNestingIsRefused() {
    String yaml = "name: j\ntasks: " + "[".repeat(5000) + "]".repeat(5000) + "\n";
    assertThatThrownBy(() -> JobSpecReader.readJob(yaml, JobSpecReader.Format.YAML))
        .isInstanceOf(InvalidSpecException.class).hasMessageContaining("nesting depth");
  }

  @Test
  void aDocumentWithManyAliasesIsRefusedSmall() {
    StringBuilder yaml = new StringBuilder("name: j\nx: &a {k: v, k2: v2}\ntasks:\n");
    for (int i = 0; i < 100_000; i++) yaml.append("- *a\n");
    long start = System.nanoTime();
    assertThatThrownBy(() -> JobSpecReader.readJob(yaml.toString(), JobSpecReader.Format.YAML))
        .isInstanceOf(InvalidSpecException.class)
        .satisfies(e -> {
          InvalidSpecException ise = (InvalidSpecException) e;
          assertThat(ise.errors()).hasSize(SpecShape.MAX_ERRORS + 1);
          assertThat(ise.errors().get(SpecShape.MAX_ERRORS).toString())
              .isEqualTo("99001 more errors not listed (at most 1000 are)");
        });
    assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(2000);
  }
}
