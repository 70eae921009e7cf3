package io.jtork.expr;

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
    if ((left instanceof String && right instanceof Number) || (left instanceof Number && right instanceof String)) {
      throw new ArithmeticException("invalid operation: " + typeName(left) + " + " + typeName(right)
          + " (mismatched types)");
    }
    return super.add(left, right);
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
        || n instanceof java.math.BigInteger;
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
      if (System.nanoTime() > deadline) throw new ArithmeticException("regular expression took too long");
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
