package io.jtork.spec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Null-to-empty normalisation shared by the spec records, so code never checks for null collections. */
final class Specs {
  private Specs() {}

  static <T> List<T> list(List<T> l) {
    return l == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(l));
  }

  /** Keeps the submitted key order (it shows in responses) and tolerates null values from YAML. */
  static Map<String, String> map(Map<String, String> m) {
    if (m == null || m.isEmpty()) return Map.of();
    Map<String, String> copy = new LinkedHashMap<>();
    m.forEach((k, v) -> copy.put(k, v == null ? "" : v));
    return Collections.unmodifiableMap(copy);
  }
}
