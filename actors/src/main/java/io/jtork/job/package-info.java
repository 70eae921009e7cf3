/**
 * Jobs. {@link io.jtork.job.JobDecider} decides every transition of a job, as a plain class;
 * {@link io.jtork.job.JobEntity}, the sharded event-sourced actor that owns one job, journals
 * what it decides and then hands the job to its helpers: {@link io.jtork.job.TaskSupervisor}
 * (its {@link io.jtork.job.TaskActor}s and {@link io.jtork.job.SubJobActor}s, which report
 * through the {@link io.jtork.job.ReportBuffer} as {@link io.jtork.job.TaskReport}s),
 * {@link io.jtork.job.WebhookOutbox} and {@link io.jtork.job.SnapshotPolicy}.
 * {@link io.jtork.job.TaskFactory} turns a task spec into an execution (templates, {@code if},
 * defaults); {@link io.jtork.job.IdempotencyKeys} derives a job's id from its key;
 * {@link io.jtork.job.FreshJobIds} holds the ids just drawn for submissions (their entities skip
 * the snapshot query); and
 * {@link io.jtork.job.JobClient} is how the API talks to the entities ({@link io.jtork.job.CreationUnanswered}:
 * a creation under a new id answered too late to be sent again safely).
 */
package io.jtork.job;
