/**
 * The node's metrics for Prometheus: {@link io.jtork.metrics.JtorkMetrics}, a Micrometer
 * registry per actor system with the JVM's metrics bound, and what the job entities, the API and
 * the journal record in it.
 */
package io.jtork.metrics;
