/**
 * The job as the engine knows it: {@link io.jtork.model.Job} with its executions
 * ({@link io.jtork.model.Task}), states, context and ids, its fields grouped by how they change
 * ({@link io.jtork.model.Job.Origin}, {@link io.jtork.model.Job.Timeline},
 * {@link io.jtork.model.Job.Status}) while its JSON stays flat. These are the entity state that
 * events are applied to and that snapshots store; they are immutable, and applying an event
 * never performs I/O.
 */
package io.jtork.model;
