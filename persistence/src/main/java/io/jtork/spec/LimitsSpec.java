package io.jtork.spec;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Resource limits: {@code cpus} as a decimal such as ".5", {@code memory} in Docker units such as "512m". */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record LimitsSpec(String cpus, String memory) {
  public boolean isEmpty() {
    return (cpus == null || cpus.isEmpty()) && (memory == null || memory.isEmpty());
  }
}
