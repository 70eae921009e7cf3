/**
 * Benchmarks that drive a real node from outside, over HTTP, the way users do. They are run
 * by hand ({@code bin/benchmark}), never as timed tests; docs/benchmarks.md reports what they print.
 */
package io.jtork.bench;
