package io.jtork.expr;

/**
 * The resource limits of expression evaluation, documented in docs/limits.md. A limit that is
 * hit fails the one evaluation (and so the one task or job) with a {@link LimitException}
 * whose message names the limit and its value.
 */
public final class Limits {
  /** The longest expression, in characters, that is compiled ({@code expression.length}). */
  public static final int MAX_EXPRESSION_LENGTH = 10_000;
  /** The deepest nesting of brackets in an expression ({@code expression.nesting}). */
  public static final int MAX_NESTING = 64;
  /** The longest list a function, range or operator may build ({@code expression.list}). */
  public static final int MAX_LIST = 100_000;
  /** The longest string a function or operator may build ({@code expression.string}). */
  public static final int MAX_STRING = 1_000_000;
  /** The longest rendered value of a template ({@code expression.rendered}). */
  public static final int MAX_RENDERED = 1_000_000;
  /** Characters and list items one evaluation may build in all ({@code expression.total}). */
  public static final long EVALUATION_UNITS = 8_000_000L;
  /** How long one evaluation may run ({@code expression.time}). */
  public static final long EVALUATION_MILLIS = 1_000L;

  private Limits() {}

  /** Fails unless a list of {@code size} items fits; {@code size} may be any long (overflow-safe callers pass the true size). */
  static void list(String what, long size) {
    if (size < 0 || size > MAX_LIST) {
      throw new LimitException(what + ": the list would have " + (size < 0 ? "more than " + Long.MAX_VALUE : size)
          + " items, over the limit of " + MAX_LIST + " (limit expression.list)");
    }
    Budget.charge(what, size);
  }

  /** Fails unless a string of {@code length} characters fits. */
  static void string(String what, long length) {
    if (length < 0 || length > MAX_STRING) {
      throw new LimitException(what + ": the string would have " + (length < 0 ? "more than " + Long.MAX_VALUE : length)
          + " characters, over the limit of " + MAX_STRING + " (limit expression.string)");
    }
    Budget.charge(what, length);
  }
}
