package io.jtork.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What expressions see ({@code job}, {@code inputs}, {@code secrets}, {@code tasks}); Tork's
 * {@code context}. All values are strings, as in Tork.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record JobContext(Map<String, String> job, Map<String, String> inputs, Map<String, String> secrets,
    Map<String, String> tasks) {

  public JobContext {
    job = copy(job);
    inputs = copy(inputs);
    secrets = copy(secrets);
    tasks = copy(tasks);
  }

  public JobContext withTaskOutput(String var, String value) {
    Map<String, String> t = new LinkedHashMap<>(tasks);
    t.put(var, value == null ? "" : value);
    return new JobContext(job, inputs, secrets, t);
  }

  private static Map<String, String> copy(Map<String, String> m) {
    return m == null || m.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(m));
  }

  @Override
  public String toString() {
    return "JobContext[inputs=" + inputs.keySet() + ", secrets=" + secrets.keySet() + ", tasks=" + tasks.keySet() + "]";
  }
}
