/**
 * The job as the engine knows it: {@link io.jtork.model.Job} with its executions
 * ({@link io.jtork.model.Task}), states, context and ids. These are the entity state that
 * events are applied to and that snapshots store; they are immutable, and applying an event
 * never performs I/O.
 */
package io.jtork.model;
