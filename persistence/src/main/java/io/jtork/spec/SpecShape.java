package io.jtork.spec;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks a parsed document against the shape of the spec records before binding: every field
 * must be a record component (by its JSON name) and every value of the right kind. Records
 * nest, lists hold records or strings, and maps map strings to scalars.
 */
final class SpecShape {
  private static final Map<Class<?>, Map<String, Type>> FIELDS = new ConcurrentHashMap<>();

  private SpecShape() {}

  /**
   * Types are strict: a string is never a number or a boolean. With {@code json}, a number or a
   * boolean is not a string either (Go's encoding/json refuses both); in YAML a plain scalar such
   * as {@code 123} or {@code true} is read as a string where a string is expected, as Go's yaml.v3
   * does, while a quoted {@code "3"} is a string and so not a number.
   */
  static void check(JsonNode node, Type type, List<SpecError> errors, boolean json) {
    List<SpecError> all = new ArrayList<>() {
      private int count;

      @Override
      public boolean add(SpecError e) {
        return ++count <= MAX_ERRORS && super.add(e);
      }

      @Override
      public int size() {
        return count;
      }
    };
    check(node, type, "", all, json);
    int total = all.size();
    for (int i = 0; i < Math.min(total, MAX_ERRORS); i++) errors.add(all.get(i));
    if (total > MAX_ERRORS) {
      errors.add(new SpecError("", (total - MAX_ERRORS) + " more errors not listed (at most " + MAX_ERRORS + " are)"));
    }
  }

  /** The most errors one document is reported with (a document of 100,000 bad items is not 100,000 errors). */
  static final int MAX_ERRORS = 1_000;

  private static void check(JsonNode node, Type type, String path, List<SpecError> errors, boolean json) {
    if (node == null || node.isNull()) return;
    Class<?> raw = raw(type);
    if (raw.isRecord()) {
      if (!node.isObject()) {
        errors.add(new SpecError(path, "expected an object, got " + kind(node)));
        return;
      }
      Map<String, Type> fields = fields(raw);
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        String p = path.isEmpty() ? f.getKey() : path + "." + f.getKey();
        Type ft = fields.get(f.getKey());
        if (ft == null) errors.add(new SpecError(p, "unknown field"));
        else check(f.getValue(), ft, p, errors, json);
      }
    } else if (List.class.isAssignableFrom(raw)) {
      if (!node.isArray()) {
        errors.add(new SpecError(path, "expected a list, got " + kind(node)));
        return;
      }
      Type element = ((ParameterizedType) type).getActualTypeArguments()[0];
      for (int i = 0; i < node.size(); i++) check(node.get(i), element, path + "[" + i + "]", errors, json);
    } else if (Map.class.isAssignableFrom(raw)) {
      if (!node.isObject()) {
        errors.add(new SpecError(path, "expected a map of strings, got " + kind(node)));
        return;
      }
      node.fields().forEachRemaining(f -> {
        if (f.getValue().isContainerNode() || json && !f.getValue().isTextual() && !f.getValue().isNull()) {
          errors.add(new SpecError(path + "." + f.getKey(), "expected a string, got " + kind(f.getValue())));
        }
      });
    } else if (raw == String.class) {
      if (node.isContainerNode() || json && !node.isTextual()) {
        errors.add(new SpecError(path, "expected a string, got " + kind(node) + (node.isValueNode() ? " " + describe(node) : "")));
      }
    } else if (raw == Integer.class) {
      boolean ok = node.isIntegralNumber() && node.canConvertToInt();
      if (!ok) errors.add(new SpecError(path, "expected an integer, got " + describe(node)));
    } else if (raw == Double.class) {
      boolean ok = node.isNumber();
      if (!ok) errors.add(new SpecError(path, "expected a number, got " + describe(node)));
    } else if (raw == Boolean.class) {
      boolean ok = node.isBoolean();
      if (!ok) errors.add(new SpecError(path, "expected true or false, got " + describe(node)));
    }
  }

  /** A record's components by JSON name ({@code @JsonProperty} wins over the Java name). */
  private static Map<String, Type> fields(Class<?> record) {
    return FIELDS.computeIfAbsent(record, r -> {
      Map<String, Type> out = new LinkedHashMap<>();
      for (RecordComponent c : r.getRecordComponents()) {
        JsonProperty p = c.getAnnotation(JsonProperty.class);
        if (p == null && c.getAccessor() != null) p = c.getAccessor().getAnnotation(JsonProperty.class);
        out.put(p != null && !p.value().isEmpty() ? p.value() : c.getName(), c.getGenericType());
      }
      return out;
    });
  }

  private static Class<?> raw(Type t) {
    if (t instanceof Class<?> c) return c;
    if (t instanceof ParameterizedType p) return (Class<?>) p.getRawType();
    return Object.class;
  }

  private static String kind(JsonNode n) {
    if (n.isArray()) return "a list";
    if (n.isObject()) return "an object";
    if (n.isTextual()) return "a string";
    if (n.isIntegralNumber()) return "an integer";
    if (n.isNumber()) return "a number";
    if (n.isBoolean()) return "a boolean";
    return "null";
  }

  private static String describe(JsonNode n) {
    if (n.isTextual()) {
      String s = n.asText();
      return "\"" + (s.length() > 40 ? s.substring(0, 40) + "…" : s) + "\"";
    }
    return n.isValueNode() ? n.asText() : kind(n);
  }
}
