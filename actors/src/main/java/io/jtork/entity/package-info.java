/**
 * What the event-sourced entities ({@link io.jtork.job.JobEntity},
 * {@link io.jtork.scheduled.ScheduledJobEntity}) share: {@link io.jtork.entity.EntityLifecycle},
 * their supervision when a journal write fails and their passivation when idle.
 */
package io.jtork.entity;
