/**
 * Everything that happens to a job ({@link io.jtork.event.JobEvent}) or a scheduled job
 * ({@link io.jtork.event.ScheduledJobEvent}), as journaled events: sealed interfaces of records
 * with stable type names. Each event applies itself to the entity's state, so adding an event
 * without saying what it changes does not compile. The journal is the source of truth; the read
 * model and the history are built from these.
 */
package io.jtork.event;
