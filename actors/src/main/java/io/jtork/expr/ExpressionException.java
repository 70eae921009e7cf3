package io.jtork.expr;

/** An expression that does not compile or fails to evaluate; the message is Tork's. */
public final class ExpressionException extends Exception {
  public ExpressionException(String message) {
    super(message, null, false, false);
  }
}
