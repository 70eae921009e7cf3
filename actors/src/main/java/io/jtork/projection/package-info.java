/**
 * The read side: {@link io.jtork.projection.JobsProjection} follows the {@code Job} tag in the
 * journal and keeps the {@code jobs}, {@code job_tags}, {@code job_permissions} and {@code tasks}
 * tables; {@link io.jtork.projection.ScheduledJobsProjection} follows the {@code ScheduledJob} tag
 * and keeps {@code scheduled_jobs} and {@code scheduled_job_permissions}. Both apply each group of
 * events and its offset in one transaction (exactly once) and run as sharded daemon processes, one
 * instance per cluster. {@link io.jtork.projection.ReadModelReplay} drops and rebuilds those tables
 * from the journal with the same handlers while the node serves.
 */
package io.jtork.projection;
