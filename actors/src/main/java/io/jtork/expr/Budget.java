package io.jtork.expr;

/**
 * What one evaluation may cost: a deadline and a total of characters and list items that
 * functions, operators and rendering may build. Each {@code evaluate}/{@code template} call
 * opens one on its thread; every function checks it before it allocates, so no composition
 * of functions can exceed it. The deadline is checked by every function and operator (with
 * loops, lambdas and variables off, nothing else in an expression can take time).
 */
final class Budget {
  private static final ThreadLocal<Budget> CURRENT = new ThreadLocal<>();

  private final long deadlineNanos;
  private long spent;

  private Budget(long deadlineNanos) {
    this.deadlineNanos = deadlineNanos;
  }

  /** Opens a budget on this thread unless one is open already; close it with {@link #close(Budget)}. */
  static Budget open() {
    Budget b = CURRENT.get();
    if (b != null) return null;
    CURRENT.set(new Budget(System.nanoTime() + Limits.EVALUATION_MILLIS * 1_000_000L));
    return CURRENT.get();
  }

  static void close(Budget opened) {
    if (opened != null) CURRENT.remove();
  }

  static Budget current() {
    return CURRENT.get();
  }

  /** Fails when the deadline has passed. */
  static void checkTime() {
    Budget b = CURRENT.get();
    if (b != null && System.nanoTime() - b.deadlineNanos > 0) throw LimitException.time();
  }

  /** Charges {@code units} (characters or list items) that {@code what} is about to build. */
  static void charge(String what, long units) {
    Budget b = CURRENT.get();
    if (b == null) return;
    if (System.nanoTime() - b.deadlineNanos > 0) throw LimitException.time();
    if (units < 0 || units > Limits.EVALUATION_UNITS - b.spent) {
      throw new LimitException(what + ": the evaluation would build more than " + Limits.EVALUATION_UNITS
          + " characters and list items in all (limit expression.total)");
    }
    b.spent += units;
  }
}
