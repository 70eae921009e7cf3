package io.jtork.expr;

import java.lang.reflect.Array;
import java.math.BigInteger;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.commons.jexl3.JexlArithmetic;

/**
 * JEXL arithmetic with expr-lang's rules where they differ from JEXL's: {@code /} always
 * divides as floating point ({@code 10 / 4} is 2.5), {@code +} does not mix strings and
 * numbers ({@code '1' + 1} is an error, not "11"), and {@code =~} against a pattern is
 * matched under a deadline so a pathological regular expression cannot hang a coordinator.
 */
public final class GoArithmetic extends JexlArithmetic {
  static final long REGEX_BUDGET_NANOS = 50_000_000L;

  public GoArithmetic() {
    super(true);
  }

  @Override
  public Object divide(Object left, Object right) {
    if (left instanceof Number l && right instanceof Number r) {
      if (r.doubleValue() == 0 && isIntegral(l) && isIntegral(r)) throw new ArithmeticException("integer divide by zero");
      return l.doubleValue() / r.doubleValue();
    }
    return super.divide(left, right);
  }

  @Override
  public Object add(Object left, Object right) {
    Budget.checkTime();
    if ((left instanceof String && right instanceof Number) || (left instanceof Number && right instanceof String)) {
      throw new ArithmeticException("invalid operation: " + typeName(left) + " + " + typeName(right)
          + " (mismatched types)");
    }
    if (left instanceof CharSequence l && right instanceof CharSequence r) {
      Limits.string("+", (long) l.length() + r.length());
    } else if (left instanceof CharSequence || right instanceof CharSequence) {
      // A string and something else: bound the other side's text before JEXL builds it.
      Object other = left instanceof CharSequence ? right : left;
      CharSequence text = (CharSequence) (left instanceof CharSequence ? left : right);
      Limits.string("+", (long) text.length() + GoValues.render(other, Limits.MAX_STRING - text.length()).length());
    }
    long leftSize = listSize(left);
    long rightSize = listSize(right);
    if (leftSize >= 0 && rightSize >= 0) {
      // Two lists join into one, as in Tork's expr ([1] + [2] is [1, 2]), counted before it is built
      // (JEXL would render both as text and join the text).
      Limits.list("+", leftSize + rightSize);
      List<Object> joined = GoValues.toList(left);
      joined.addAll(GoValues.toList(right));
      return joined;
    }
    Object out = super.add(left, right);
    if (out instanceof Collection<?> c) Limits.list("+", c.size());
    return out;
  }

  /** The size of a list or an array, without building anything; -1 for anything else. */
  private static long listSize(Object o) {
    if (o instanceof Collection<?> c) return c.size();
    if (o != null && o.getClass().isArray()) return Array.getLength(o);
    return -1;
  }

  /** JEXL's ranges ({@code 1..5}) are lazy, but rendering or {@code each} makes them lists: bound them here. */
  @Override
  public Iterable<?> createRange(Object from, Object to) throws ArithmeticException {
    Budget.checkTime();
    long a = toLong(from);
    long b = toLong(to);
    long lo = Math.min(a, b);
    long hi = Math.max(a, b);
    long size = hi - lo + 1; // negative (or 0 for the full range) when it overflows
    Limits.list(a + ".." + b, size <= 0 ? -1 : size);
    return super.createRange(from, to);
  }

  @Override
  public Object subtract(Object left, Object right) {
    Budget.checkTime();
    return super.subtract(left, right);
  }

  @Override
  public Object multiply(Object left, Object right) {
    Budget.checkTime();
    return super.multiply(left, right);
  }

  @Override
  public Boolean contains(Object container, Object value) {
    if (container instanceof Pattern p && value != null) return matches(p, value.toString());
    if (container instanceof String regex && value instanceof CharSequence cs) {
      return matches(Pattern.compile(regex), cs.toString());
    }
    return super.contains(container, value);
  }

  private static boolean matches(Pattern p, String input) {
    long deadline = System.nanoTime() + REGEX_BUDGET_NANOS;
    return p.matcher(new DeadlineCharSequence(input, deadline)).matches();
  }

  private static boolean isIntegral(Number n) {
    return n instanceof Integer || n instanceof Long || n instanceof Short || n instanceof Byte
        || n instanceof BigInteger;
  }

  private static String typeName(Object o) {
    if (o instanceof String) return "string";
    if (o instanceof Double || o instanceof Float) return "float";
    return "int";
  }

  /** A string that stops a regex engine once its time is up (java.util.regex cannot be interrupted otherwise). */
  private record DeadlineCharSequence(String s, long deadline) implements CharSequence {
    @Override
    public int length() {
      return s.length();
    }

    @Override
    public char charAt(int index) {
      if (System.nanoTime() > deadline) throw new LimitException("regular expression took too long: longer than " + REGEX_BUDGET_NANOS / 1_000_000 + " ms (limit expression.regex)");
      return s.charAt(index);
    }

    @Override
    public CharSequence subSequence(int start, int end) {
      return new DeadlineCharSequence(s.substring(start, end), deadline);
    }

    @Override
    public String toString() {
      return s;
    }
  }
}
