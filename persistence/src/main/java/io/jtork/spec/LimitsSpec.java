package io.jtork.spec;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Resource limits: {@code cpus} as a decimal such as ".5", {@code memory} in Docker units such as "512m". */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record LimitsSpec(String cpus, String memory) {
  /**
   * Neither is set. Not {@code isEmpty()}: Jackson took that for a property and showed
   * {@code "empty": false} in every task's limits (such events in older journals still read,
   * since Pekko's mapper skips unknown fields; the API refuses the field as unknown).
   */
  public boolean unset() {
    return (cpus == null || cpus.isEmpty()) && (memory == null || memory.isEmpty());
  }
}
