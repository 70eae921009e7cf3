/**
 * Tork's {@code {{ ... }}} expressions, evaluated in a sandbox.
 *
 * <p><b>Library: Apache Commons JEXL 3.6, hardened.</b> Three sandboxable JVM libraries were
 * measured against a corpus of Tork expressions with real expr-lang as ground truth
 * (../shared/STACK.md): JEXL matched 43 of 46 as written, CEL-Java 39 and EvalEx 36. CEL's
 * sandbox is stronger by design, but it treats a missing map key as an error, has no
 * {@code double * int}, makes {@code 10 / 4} equal 2 and needs 18 jars and protobuf 4;
 * JEXL reproduces Go's semantics with a custom arithmetic and costs 0.6 MiB. Its danger is
 * that stock JEXL reaches Java; {@link io.jtork.expr.Expressions} closes that:
 * <ul>
 *   <li>features off: loops, lambdas, side effects and assignment, {@code new}, method calls,
 *       pragmas, local variables, annotations, scripts;</li>
 *   <li>a deny-by-default {@link org.apache.commons.jexl3.introspection.JexlPermissions}: only
 *       {@code Map.get}/{@code List.get} and the functions in {@link io.jtork.expr.TorkFunctions}
 *       can be reached, so {@code inputs.x.class} or {@code ''.getClass()} resolve to nothing;</li>
 *   <li>map-first property resolution, so {@code inputs.class} reads the key "class";</li>
 *   <li>bounded work: expression length and nesting are capped before parsing, a stack
 *       overflow while parsing is caught, functions cap what they build ({@code sequence},
 *       {@code repeat}), rendered output is capped, and regular-expression matching runs
 *       under a deadline.</li>
 * </ul>
 * Known differences from expr-lang: {@code x in [...]} is written {@code x =~ [...]},
 * {@code nil} is {@code null}, and the pipe operator and {@code **} are not supported.
 */
package io.jtork.expr;
