/**
 * Where a task's command actually runs. {@link io.jtork.runtime.TaskRuntime} is what a worker
 * needs from a runtime: start one step of a task (a pre step, the main task or a post step),
 * stream its output, read its {@code $TORK_OUTPUT} and {@code $TORK_PROGRESS}, and kill it.
 * Implementations live in sub-packages ({@code shell}, later {@code docker}); this package
 * knows nothing of actors.
 */
package io.jtork.runtime;
