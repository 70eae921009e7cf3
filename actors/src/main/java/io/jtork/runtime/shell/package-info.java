/**
 * The shell runtime: each step runs as a host process ({@code bash -c} by default) in a fresh
 * temporary directory, in its own process group so that a timeout or cancel kills everything
 * it started. It ignores {@code image} and refuses the fields only a container can honour.
 */
package io.jtork.runtime.shell;
