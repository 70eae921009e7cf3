package io.jtork.expr;

import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Renders values the way Go's {@code fmt.Sprintf("%v")} does, which is how Tork turns an
 * expression's value into text: {@code <nil>}, floats in their shortest form (1.0 is
 * {@code 1}, 1e6 is {@code 1e+06}), lists as {@code [1 2 3]}, maps as {@code map[k:v]}.
 */
public final class GoValues {
  private GoValues() {}

  public static String render(Object v) {
    return render(v, Integer.MAX_VALUE);
  }

  /**
   * Renders {@code v}, failing with a {@link LimitException} before the text grows past
   * {@code max} characters (limit {@code expression.rendered}).
   */
  public static String render(Object v, int max) {
    StringBuilder sb = new StringBuilder();
    render(v, sb, Math.max(0, max));
    return sb.toString();
  }

  private static void render(Object v, StringBuilder sb, int max) {
    if (v instanceof CharSequence s && sb.length() + (long) s.length() > max) tooLong(max);
    if (sb.length() > max) tooLong(max);
    if (v == null) {
      sb.append("<nil>");
    } else if (v instanceof String s) {
      sb.append(s);
    } else if (v instanceof Double || v instanceof Float) {
      sb.append(formatFloat(((Number) v).doubleValue()));
    } else if (v instanceof BigDecimal d) {
      sb.append(formatFloat(d.doubleValue()));
    } else if (v instanceof Number || v instanceof Boolean) {
      sb.append(v);
    } else if (v instanceof Map<?, ?> m) {
      sb.append("map[");
      boolean first = true;
      for (Map.Entry<?, ?> e : new TreeMap<>(stringKeys(m)).entrySet()) {
        if (!first) sb.append(' ');
        first = false;
        if (sb.length() + (long) String.valueOf(e.getKey()).length() > max) tooLong(max);
        sb.append(e.getKey()).append(':');
        render(e.getValue(), sb, max);
      }
      sb.append(']');
    } else if (v instanceof Iterable<?> || v.getClass().isArray()) {
      sb.append('[');
      boolean first = true;
      for (Object o : toList(v)) {
        if (!first) sb.append(' ');
        first = false;
        render(o, sb, max);
      }
      sb.append(']');
    } else {
      sb.append(v);
    }
    if (sb.length() > max) tooLong(max);
  }

  private static void tooLong(int max) {
    throw new LimitException("the rendered value would be longer than " + max
        + " characters (limit expression.rendered is " + Limits.MAX_RENDERED + ")");
  }

  private static Map<String, Object> stringKeys(Map<?, ?> m) {
    Map<String, Object> out = new HashMap<>();
    m.forEach((k, val) -> out.put(String.valueOf(k), val));
    return out;
  }

  /** Lists, arrays and JEXL ranges as a {@link List}; anything else is not a list. */
  public static List<Object> toList(Object v) {
    if (v instanceof List<?> l) return new ArrayList<>(l);
    if (v instanceof Collection<?> c) return new ArrayList<>(c);
    if (v instanceof Iterable<?> it) {
      List<Object> out = new ArrayList<>();
      for (Object o : it) out.add(o);
      return out;
    }
    if (v != null && v.getClass().isArray()) {
      int n = Array.getLength(v);
      List<Object> out = new ArrayList<>(n);
      for (int i = 0; i < n; i++) out.add(Array.get(v, i));
      return out;
    }
    throw new IllegalArgumentException("not a list");
  }

  public static boolean isList(Object v) {
    return v instanceof Iterable<?> || (v != null && v.getClass().isArray());
  }

  /**
   * Go's {@code %v} for a float64: {@code strconv.FormatFloat(f, 'g', -1, 64)}, the shortest
   * digits that round-trip, with an exponent when it is below -4 or at least 6 (the {@code 'g'}
   * rule for the shortest form), so 1e6 is {@code 1e+06} and 123456.0 is {@code 123456}, as in Go.
   */
  static String formatFloat(double d) {
    if (Double.isNaN(d)) return "NaN";
    if (Double.isInfinite(d)) return d > 0 ? "+Inf" : "-Inf";
    if (d == 0) return (1 / d < 0) ? "-0" : "0";
    BigDecimal shortest = new BigDecimal(Double.toString(d)).stripTrailingZeros();
    // Double.toString is not always the shortest round-trip form on JDK 17; trim digits while it still round-trips.
    shortest = shortestRoundTrip(d, shortest);
    int exponent = shortest.precision() - shortest.scale() - 1;
    if (exponent < -4 || exponent >= 6) {
      String digits = shortest.unscaledValue().abs().toString();
      StringBuilder sb = new StringBuilder();
      if (d < 0) sb.append('-');
      sb.append(digits.charAt(0));
      if (digits.length() > 1) sb.append('.').append(digits, 1, digits.length());
      sb.append('e').append(exponent < 0 ? '-' : '+');
      int abs = Math.abs(exponent);
      if (abs < 10) sb.append('0');
      sb.append(abs);
      return sb.toString();
    }
    return shortest.toPlainString();
  }

  private static BigDecimal shortestRoundTrip(double d, BigDecimal candidate) {
    BigDecimal best = candidate;
    for (int p = candidate.precision() - 1; p >= 1; p--) {
      BigDecimal shorter = candidate.round(new MathContext(p));
      if (shorter.doubleValue() == d) best = shorter.stripTrailingZeros();
      else break;
    }
    return best;
  }
}
