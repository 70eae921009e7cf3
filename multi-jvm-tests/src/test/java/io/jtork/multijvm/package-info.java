/**
 * Tests that run whole jtork nodes as separate JVMs (forked with {@code ProcessBuilder} on
 * loopback ports), drive them over HTTP and kill them with SIGKILL, to prove that nothing a
 * node accepted is lost when it dies.
 */
package io.jtork.multijvm;
