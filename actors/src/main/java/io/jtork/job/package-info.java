/**
 * Jobs: {@link io.jtork.job.JobEntity}, the sharded event-sourced actor that owns one job and
 * decides every transition; {@link io.jtork.job.TaskActor}, its child that drives one run of a
 * task through a queue to a worker and back; {@link io.jtork.job.TaskFactory}, which turns a
 * task spec into an execution (templates, {@code if}, defaults); and
 * {@link io.jtork.job.JobClient}, how the API talks to them.
 */
package io.jtork.job;
