/**
 * Everything that happens to a job, as journaled events: a sealed interface of records with
 * stable type names. Each event applies itself to a {@link io.jtork.model.Job}, so adding an
 * event without saying what it changes does not compile. The journal is the source of truth;
 * the read model and the history are built from these.
 */
package io.jtork.event;
