package io.jtork.runtime.docker;

import java.time.Duration;

/**
 * How the worker reaches its container daemon and the defaults it applies.
 *
 * @param runtimeName {@code docker} or {@code podman}: shown by {@code /health} and in errors
 * @param host the daemon's address, such as {@code unix:///var/run/docker.sock}
 * @param configDir a directory holding a Docker {@code config.json} whose credentials are used
 *     for pulls, or null
 * @param workerId stable across restarts of this worker, so that it can find and remove what an
 *     earlier life left behind
 * @param defaultCpus {@code limits.cpus} for tasks that set none, or null
 * @param defaultMemory {@code limits.memory} for tasks that set none, or null
 * @param pullTimeout the longest an image pull may take
 */
public record DockerSettings(
    String runtimeName,
    String host,
    String configDir,
    String workerId,
    String defaultCpus,
    String defaultMemory,
    Duration pullTimeout) {

  public DockerSettings {
    if (pullTimeout == null) pullTimeout = Duration.ofMinutes(10);
  }
}
