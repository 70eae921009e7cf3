/**
 * Retention: {@link io.jtork.retention.RetentionSweeper}, one per cluster, deletes COMPLETED jobs
 * whose {@code autoDelete} is due, finished jobs older than {@code jtork.retention.jobs}, and log
 * parts older than {@code jtork.retention.logs}.
 */
package io.jtork.retention;
