/**
 * The read side: {@link io.jtork.projection.JobsProjection} follows the {@code Job} tag in the
 * journal and keeps the {@code jobs}, {@code job_tags} and {@code tasks} tables;
 * {@link io.jtork.projection.ScheduledJobsProjection} follows the {@code ScheduledJob} tag and
 * keeps {@code scheduled_jobs}. Both apply each group of events and its offset in one
 * transaction (exactly once) and run as sharded daemon processes, one instance per cluster.
 */
package io.jtork.projection;
