/**
 * The worker side: {@link io.jtork.worker.WorkerNode}, one per worker JVM, registers with the
 * receptionist, offers its slots to the queues it serves, and runs each attempt it is given
 * in a {@link io.jtork.worker.TaskRunner} that drives the runtime through pre, main and post
 * steps, ships redacted log parts, polls progress and enforces the timeout. A worker needs no
 * database.
 */
package io.jtork.worker;
