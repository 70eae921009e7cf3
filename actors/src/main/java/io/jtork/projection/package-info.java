/**
 * The read side: {@link io.jtork.projection.JobsProjection} follows the {@code job} tag in the
 * journal and keeps the {@code jobs}, {@code job_tags} and {@code tasks} tables, exactly once
 * (each group of events and its offset commit in one transaction). It runs as a sharded daemon process,
 * so exactly one instance runs in a cluster.
 */
package io.jtork.projection;
