package io.jtork.expr;

/** A resource limit of expression evaluation was hit; the message names the limit and its value. */
public final class LimitException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public LimitException(String message) {
    super(message, null, false, false);
  }

  static LimitException time() {
    return new LimitException("the evaluation took longer than " + Limits.EVALUATION_MILLIS
        + " ms (limit expression.time)");
  }
}
