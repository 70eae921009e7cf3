/**
 * The job spec: what a user submits, as immutable records that mirror Tork's input structs
 * field by field (reference/tork.md §1), plus {@link io.jtork.spec.JobSpecReader} that parses
 * YAML or JSON strictly and {@link io.jtork.spec.JobSpecValidator} that applies every
 * validation rule and reports all errors at once, each with the path of the field.
 *
 * <p>Nothing here evaluates expressions or runs anything; expression syntax is checked through
 * the {@link io.jtork.spec.ExpressionChecker} the caller passes in. Must not import Pekko.
 */
package io.jtork.spec;
