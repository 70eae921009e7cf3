package io.jtork.spec;

import java.util.Optional;

/**
 * Checks that an expression compiles, without evaluating it. The validator is given one so that
 * this module need not know the expression engine.
 */
@FunctionalInterface
public interface ExpressionChecker {
  /** Empty when {@code expression} (the text inside {@code {{ }}}) compiles, else why not. */
  Optional<String> check(String expression);

  ExpressionChecker ACCEPT_ALL = e -> Optional.empty();
}
