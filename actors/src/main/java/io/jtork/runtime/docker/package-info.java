/**
 * The container runtime: task steps run as Docker containers through docker-java (also against
 * Podman's Docker-compatible socket). Each step gets its own container and {@code /tork}
 * volume; a task attempt's volumes, sidecars and sidecar network live until the attempt ends.
 * Everything created carries {@code io.jtork.*} labels and is removed after use, and again at
 * start-up if a killed worker left it behind.
 */
package io.jtork.runtime.docker;
