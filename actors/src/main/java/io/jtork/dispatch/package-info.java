/**
 * The messages that move a task execution from its task actor through a queue to a worker
 * and back: what each of the three accepts ({@link io.jtork.dispatch.TaskCommand},
 * {@link io.jtork.dispatch.QueueCommand}, {@link io.jtork.dispatch.WorkerCommand}) and the
 * work itself ({@link io.jtork.dispatch.TaskWork}). Keeping them here lets the job, queue and
 * worker packages depend on this protocol rather than on one another.
 *
 * <p>Every run carries an attempt id (task id plus run number). A worker reports with it, and
 * a task actor ignores anything that carries another: that is the fencing that keeps a stale
 * run from changing a job.
 */
package io.jtork.dispatch;
