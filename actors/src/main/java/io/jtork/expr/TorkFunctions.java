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
import java.util.Locale;
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
  public static final int MAX_LIST = Limits.MAX_LIST;
  /** The longest string a function may build. */
  public static final int MAX_STRING = Limits.MAX_STRING;

  private TorkFunctions() {}

  /** Tork's {@code sequence(start, stop)}: start..stop-1, or empty when start >= stop. */
  public static List<Object> sequence(Number start, Number stop) {
    long a = start.longValue();
    long b = stop.longValue();
    // b - a overflows when the ends are far apart; a negative difference with a < b means "more than Long.MAX_VALUE".
    long size = a >= b ? 0 : b - a;
    Limits.list("sequence(" + a + ", " + b + ")", size);
    List<Object> out = new ArrayList<>((int) size);
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
    Budget.checkTime();
    if (v == null) return 0;
    if (v instanceof CharSequence s) return s.toString().codePointCount(0, s.length());
    if (v instanceof Map<?, ?> m) return m.size();
    if (GoValues.isList(v)) return GoValues.toList(v).size();
    throw new IllegalArgumentException("invalid argument for len (type " + v.getClass().getSimpleName() + ")");
  }

  /** Numbers become floats and objects maps, as Go's {@code encoding/json} does. */
  public static Object fromJSON(String json) {
    Limits.string("fromJSON", json.length());
    try {
      return toGo(Json.json().readTree(json), new long[1]);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("fromJSON: " + e.getOriginalMessage());
    }
  }

  public static String toJSON(Object v) {
    // The JSON text of a value is at most a few times its rendered size; bound that first, then the result.
    GoValues.render(v, MAX_STRING);
    String out = Json.write(v instanceof Iterable<?> || (v != null && v.getClass().isArray()) ? GoValues.toList(v) : v);
    Limits.string("toJSON", out.length());
    return out;
  }

  /** {@code count[0]} counts the values built, so a long JSON array cannot become more than MAX_LIST values. */
  private static Object toGo(JsonNode n, long[] count) {
    if (++count[0] > MAX_LIST) Limits.list("fromJSON", count[0]);
    if (n == null || n.isNull()) return null;
    if (n.isNumber()) return n.asDouble();
    if (n.isBoolean()) return n.asBoolean();
    if (n.isTextual()) return n.asText();
    if (n.isArray()) {
      List<Object> out = new ArrayList<>();
      n.forEach(e -> out.add(toGo(e, count)));
      return out;
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      out.put(e.getKey(), toGo(e.getValue(), count));
    }
    return out;
  }

  public static List<Object> split(String s, String sep) {
    // Count the parts before building any of them.
    Limits.list("split", sep.isEmpty() ? s.codePointCount(0, s.length()) : occurrences(s, sep) + 1);
    List<Object> out = new ArrayList<>();
    if (sep.isEmpty()) {
      s.codePoints().forEach(cp -> out.add(new String(Character.toChars(cp))));
      return out;
    }
    int from = 0;
    while (true) {
      int i = find(s, sep, from);
      if (i < 0) break;
      out.add(s.substring(from, i));
      from = i + sep.length();
    }
    out.add(s.substring(from));
    return out;
  }

  public static String join(Object list, String sep) {
    List<Object> items = GoValues.toList(list);
    Limits.string("join", (long) Math.max(0, items.size() - 1) * sep.length());
    StringBuilder sb = new StringBuilder();
    boolean first = true;
    for (Object o : items) {
      if (!first) sb.append(sep);
      first = false;
      sb.append(GoValues.render(o, MAX_STRING - sb.length()));
    }
    Limits.string("join", sb.length());
    return sb.toString();
  }

  /** Non-overlapping occurrences of a non-empty {@code sub} in {@code s}. */
  private static long occurrences(String s, String sub) {
    long n = 0;
    for (int i = find(s, sub, 0); i >= 0; i = find(s, sub, i + sub.length())) n++;
    return n;
  }

  /**
   * {@link String#indexOf(String, int)} under the evaluation's deadline: a search for a long
   * needle in a long text costs their product in the JDK, which could outlast any deadline in one call.
   */
  static int find(String s, String sub, int from) {
    if (sub.isEmpty()) return Math.min(Math.max(from, 0), s.length());
    char first = sub.charAt(0);
    int last = s.length() - sub.length();
    long work = 0;
    for (int i = s.indexOf(first, Math.max(from, 0)); i >= 0 && i <= last; i = s.indexOf(first, i + 1)) {
      if (s.regionMatches(i, sub, 0, sub.length())) return i;
      work = searched(work, sub.length());
    }
    return -1;
  }

  /**
   * {@code work} characters compared so far plus {@code more}; past a million, the evaluation's
   * deadline is checked and the count starts again (a check per comparison would cost more than it).
   */
  private static long searched(long work, int more) {
    work += more;
    if (work <= (1 << 20)) return work;
    Budget.checkTime();
    return 0;
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

  /** Upper and lower case can change a string's length ("ß" is "SS"), by at most three times. */
  public static String upper(String s) {
    Limits.string("upper", 3L * s.length());
    return s.toUpperCase(Locale.ROOT);
  }

  public static String lower(String s) {
    Limits.string("lower", 3L * s.length());
    return s.toLowerCase(Locale.ROOT);
  }

  /** The result's length is computed (overflow-safe) before it is built. */
  public static String replace(String s, String old, String replacement) {
    long count = old.isEmpty() ? s.length() + 1L : occurrences(s, old);
    long length = s.length() + count * ((long) replacement.length() - old.length());
    Limits.string("replace", length);
    if (count == 0) return s;
    if (old.isEmpty()) return s.replace(old, replacement);
    StringBuilder out = new StringBuilder((int) length);
    int from = 0;
    for (int i = find(s, old, 0); i >= 0; i = find(s, old, from)) {
      out.append(s, from, i).append(replacement);
      from = i + old.length();
    }
    return out.append(s, from, s.length()).toString();
  }

  public static String repeat(String s, Number n) {
    long times = n.longValue();
    if (times < 0) throw new IllegalArgumentException("repeat: negative count " + times);
    if (s.isEmpty()) return s;
    long length = times > MAX_STRING ? -1 : times * s.length();
    Limits.string("repeat", length);
    return s.repeat((int) times);
  }

  public static long indexOf(String s, String sub) {
    return find(s, sub, 0);
  }

  public static long lastIndexOf(String s, String sub) {
    if (sub.isEmpty()) return s.length();
    long work = 0;
    for (int i = s.lastIndexOf(sub.charAt(0), s.length() - sub.length()); i >= 0; i = s.lastIndexOf(sub.charAt(0), i - 1)) {
      if (s.regionMatches(i, sub, 0, sub.length())) return i;
      work = searched(work, sub.length());
    }
    return -1;
  }

  public static boolean hasPrefix(String s, String prefix) {
    return s.startsWith(prefix);
  }

  public static boolean hasSuffix(String s, String suffix) {
    return s.endsWith(suffix);
  }

  public static String toBase64(String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    Limits.string("toBase64", (bytes.length + 2L) / 3 * 4);
    return Base64.getEncoder().encodeToString(bytes);
  }

  public static String fromBase64(String s) {
    Limits.string("fromBase64", s.length());
    return new String(Base64.getDecoder().decode(s), StandardCharsets.UTF_8);
  }

  public static String string(Object v) {
    String out = GoValues.render(v, MAX_STRING);
    Limits.string("string", out.length());
    return out;
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
    Limits.list("keys", m.size());
    List<Object> out = new ArrayList<>();
    m.keySet().forEach(k -> out.add(String.valueOf(k)));
    out.sort(null);
    return out;
  }

  public static List<Object> values(Map<?, ?> m) {
    Limits.list("values", m.size());
    return new ArrayList<>(m.values());
  }

  public static List<Object> uniq(Object list) {
    Budget.checkTime();
    return new ArrayList<>(new LinkedHashSet<>(GoValues.toList(list)));
  }

  public static List<Object> concat(Object... lists) {
    List<List<Object>> all = new ArrayList<>();
    long size = 0;
    for (Object l : lists) {
      List<Object> items = GoValues.toList(l);
      all.add(items);
      size += items.size();
    }
    Limits.list("concat", size);
    List<Object> out = new ArrayList<>((int) size);
    all.forEach(out::addAll);
    return out;
  }

  public static double sum(Object list) {
    double total = 0;
    for (Object o : GoValues.toList(list)) total += ((Number) o).doubleValue();
    return total;
  }
}
