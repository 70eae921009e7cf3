package io.jtork.expr;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.jtork.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The functions an expression can call without a prefix: Tork's own ({@code sequence},
 * {@code randomInt}) and the expr-lang built-ins that Tork jobs use. Public static methods
 * only; the sandbox lets expressions reach nothing else. Everything that builds a value caps
 * its size, since an expression must not be able to exhaust a coordinator's memory.
 */
public final class TorkFunctions {
  /** The longest list a function may build (for instance {@code sequence(0, 1e9)}). */
  public static final int MAX_LIST = 100_000;
  /** The longest string a function may build. */
  public static final int MAX_STRING = 1_000_000;

  private TorkFunctions() {}

  /** Tork's {@code sequence(start, stop)}: start..stop-1, or empty when start >= stop. */
  public static List<Object> sequence(Number start, Number stop) {
    long a = start.longValue();
    long b = stop.longValue();
    if (b - a > MAX_LIST) throw new IllegalArgumentException("sequence(" + a + ", " + b + ") is longer than " + MAX_LIST);
    List<Object> out = new ArrayList<>();
    for (long i = a; i < b; i++) out.add(i);
    return out;
  }

  public static long randomInt() {
    return ThreadLocalRandom.current().nextLong(Long.MAX_VALUE);
  }

  public static long randomInt(Number bound) {
    long n = bound.longValue();
    if (n <= 0) throw new IllegalArgumentException("randomInt(" + n + "): the bound must be positive");
    return ThreadLocalRandom.current().nextLong(n);
  }

  public static int len(Object v) {
    if (v == null) return 0;
    if (v instanceof CharSequence s) return s.toString().codePointCount(0, s.length());
    if (v instanceof Map<?, ?> m) return m.size();
    if (GoValues.isList(v)) return GoValues.toList(v).size();
    throw new IllegalArgumentException("invalid argument for len (type " + v.getClass().getSimpleName() + ")");
  }

  /** Numbers become floats and objects maps, as Go's {@code encoding/json} does. */
  public static Object fromJSON(String json) {
    if (json.length() > MAX_STRING) throw new IllegalArgumentException("fromJSON: input is too large");
    try {
      return toGo(Json.json().readTree(json));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("fromJSON: " + e.getOriginalMessage());
    }
  }

  public static String toJSON(Object v) {
    return Json.write(v instanceof Iterable<?> || (v != null && v.getClass().isArray()) ? GoValues.toList(v) : v);
  }

  private static Object toGo(JsonNode n) {
    if (n == null || n.isNull()) return null;
    if (n.isNumber()) return n.asDouble();
    if (n.isBoolean()) return n.asBoolean();
    if (n.isTextual()) return n.asText();
    if (n.isArray()) {
      List<Object> out = new ArrayList<>();
      n.forEach(e -> out.add(toGo(e)));
      return out;
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      out.put(e.getKey(), toGo(e.getValue()));
    }
    return out;
  }

  public static List<Object> split(String s, String sep) {
    List<Object> out = new ArrayList<>();
    if (sep.isEmpty()) {
      s.codePoints().forEach(cp -> out.add(new String(Character.toChars(cp))));
      return out;
    }
    int from = 0;
    while (true) {
      int i = s.indexOf(sep, from);
      if (i < 0) break;
      out.add(s.substring(from, i));
      from = i + sep.length();
    }
    out.add(s.substring(from));
    return out;
  }

  public static String join(Object list, String sep) {
    StringBuilder sb = new StringBuilder();
    for (Object o : GoValues.toList(list)) {
      if (sb.length() > 0) sb.append(sep);
      sb.append(GoValues.render(o));
      if (sb.length() > MAX_STRING) throw new IllegalArgumentException("join: result is too large");
    }
    return sb.toString();
  }

  public static String trim(String s) {
    return s.strip();
  }

  public static String trimPrefix(String s, String prefix) {
    return s.startsWith(prefix) ? s.substring(prefix.length()) : s;
  }

  public static String trimSuffix(String s, String suffix) {
    return s.endsWith(suffix) ? s.substring(0, s.length() - suffix.length()) : s;
  }

  public static String upper(String s) {
    return s.toUpperCase(java.util.Locale.ROOT);
  }

  public static String lower(String s) {
    return s.toLowerCase(java.util.Locale.ROOT);
  }

  public static String replace(String s, String old, String replacement) {
    String out = s.replace(old, replacement);
    if (out.length() > MAX_STRING) throw new IllegalArgumentException("replace: result is too large");
    return out;
  }

  public static String repeat(String s, Number n) {
    long times = n.longValue();
    if (times < 0 || times * s.length() > MAX_STRING) throw new IllegalArgumentException("repeat: result is too large");
    return s.repeat((int) times);
  }

  public static long indexOf(String s, String sub) {
    return s.indexOf(sub);
  }

  public static long lastIndexOf(String s, String sub) {
    return s.lastIndexOf(sub);
  }

  public static boolean hasPrefix(String s, String prefix) {
    return s.startsWith(prefix);
  }

  public static boolean hasSuffix(String s, String suffix) {
    return s.endsWith(suffix);
  }

  public static String toBase64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  public static String fromBase64(String s) {
    return new String(Base64.getDecoder().decode(s), StandardCharsets.UTF_8);
  }

  public static String string(Object v) {
    return GoValues.render(v);
  }

  /** expr-lang's {@code int(v)}; expressions write {@code int(...)}, which is rewritten to this. */
  public static long toInt(Object v) {
    if (v instanceof Number n) return n.longValue();
    try {
      return Long.parseLong(v.toString().trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("int: cannot convert \"" + v + "\"");
    }
  }

  /** expr-lang's {@code float(v)}. */
  public static double toFloat(Object v) {
    if (v instanceof Number n) return n.doubleValue();
    try {
      return Double.parseDouble(v.toString().trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("float: cannot convert \"" + v + "\"");
    }
  }

  public static Number abs(Number n) {
    return n instanceof Double || n instanceof Float ? (Number) Math.abs(n.doubleValue()) : (Number) Math.abs(n.longValue());
  }

  public static double ceil(Number n) {
    return Math.ceil(n.doubleValue());
  }

  public static double floor(Number n) {
    return Math.floor(n.doubleValue());
  }

  public static double round(Number n) {
    return (double) Math.round(n.doubleValue());
  }

  public static Object max(Object... values) {
    return extreme(values, 1);
  }

  public static Object min(Object... values) {
    return extreme(values, -1);
  }

  private static Object extreme(Object[] values, int sign) {
    List<Object> all = values.length == 1 && GoValues.isList(values[0]) ? GoValues.toList(values[0]) : List.of(values);
    Object best = null;
    for (Object o : all) {
      if (!(o instanceof Number n)) throw new IllegalArgumentException("max/min: not a number: " + GoValues.render(o));
      if (best == null || Double.compare(n.doubleValue(), ((Number) best).doubleValue()) * sign > 0) best = o;
    }
    return best;
  }

  public static Object first(Object list) {
    List<Object> l = GoValues.toList(list);
    return l.isEmpty() ? null : l.get(0);
  }

  public static Object last(Object list) {
    List<Object> l = GoValues.toList(list);
    return l.isEmpty() ? null : l.get(l.size() - 1);
  }

  public static List<Object> keys(Map<?, ?> m) {
    List<Object> out = new ArrayList<>();
    m.keySet().forEach(k -> out.add(String.valueOf(k)));
    out.sort(null);
    return out;
  }

  public static List<Object> values(Map<?, ?> m) {
    return new ArrayList<>(m.values());
  }

  public static List<Object> uniq(Object list) {
    return new ArrayList<>(new LinkedHashSet<>(GoValues.toList(list)));
  }

  public static List<Object> concat(Object... lists) {
    List<Object> out = new ArrayList<>();
    for (Object l : lists) {
      out.addAll(GoValues.toList(l));
      if (out.size() > MAX_LIST) throw new IllegalArgumentException("concat: result is too long");
    }
    return out;
  }

  public static double sum(Object list) {
    double total = 0;
    for (Object o : GoValues.toList(list)) total += ((Number) o).doubleValue();
    return total;
  }
}
