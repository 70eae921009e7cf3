/**
 * The shell runtime: each step runs as a host process ({@code bash -c} by default) in a fresh
 * temporary directory, in its own process group so that a timeout or cancel kills everything
 * it started, as the user {@link io.jtork.runtime.shell.TaskUsers} gives it (on root, one of its
 * own). {@link io.jtork.runtime.shell.Spawner} starts the processes where it can run, else each
 * runs as a chain of {@code setpriv} and {@code setsid} before the shell. It ignores {@code image}
 * and refuses the fields only a container can honour.
 */
package io.jtork.runtime.shell;
