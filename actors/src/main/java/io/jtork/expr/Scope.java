package io.jtork.expr;

import io.jtork.model.JobContext;
import java.util.AbstractMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The variables an expression sees. Tork's context maps hold strings, and a missing key there
 * reads as the empty string (Go's zero value), so {@code {{ tasks.missing }}} renders "".
 */
public final class Scope {
  private Scope() {}

  /** A job's context: {@code job}, {@code inputs}, {@code secrets} and {@code tasks}. */
  public static Map<String, Object> of(JobContext c) {
    return of(c.job(), c.inputs(), c.secrets(), c.tasks());
  }

  public static Map<String, Object> of(Map<String, String> job, Map<String, String> inputs,
      Map<String, String> secrets, Map<String, String> tasks) {
    Map<String, Object> scope = new HashMap<>();
    scope.put("job", new StringMap(job));
    scope.put("inputs", new StringMap(inputs));
    scope.put("secrets", new StringMap(secrets));
    scope.put("tasks", new StringMap(tasks));
    return scope;
  }

  /** A read-only string map whose missing keys read as "". */
  static final class StringMap extends AbstractMap<String, Object> {
    private final Map<String, String> values;

    StringMap(Map<String, String> values) {
      this.values = values == null ? Map.of() : values;
    }

    @Override
    public Object get(Object key) {
      String v = values.get(key);
      return v == null ? "" : v;
    }

    @Override
    public boolean containsKey(Object key) {
      return true;
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
      Map<String, Object> copy = new HashMap<>(values);
      return copy.entrySet();
    }

    @Override
    public String toString() {
      return "StringMap" + values.keySet();
    }
  }
}
