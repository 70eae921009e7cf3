package io.jtork.runtime;

import io.jtork.runtime.docker.DockerRuntime;
import io.jtork.runtime.docker.DockerSettings;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Chooses the runtime from {@code jtork.runtime.type}. */
public final class Runtimes {
  private static final Logger log = LoggerFactory.getLogger(Runtimes.class);

  private Runtimes() {}

  /**
   * {@code shell}, {@code docker} or {@code podman} as asked (a container daemon that does not
   * answer stops the node with a message naming its address), or {@code auto}: Docker when its
   * daemon answers, else the shell, with a warning.
   */
  public static TaskRuntime choose(String type, Supplier<TaskRuntime> shell, DockerSettings docker, DockerSettings podman) {
    return switch (type) {
      case "shell" -> shell.get();
      case "docker" -> DockerRuntime.connect(docker);
      case "podman" -> DockerRuntime.connect(podman);
      case "auto" -> {
        try {
          TaskRuntime r = DockerRuntime.connect(docker);
          log.info("jtork.runtime.type = auto: the Docker daemon at {} answers; tasks run in containers", docker.host());
          yield r;
        } catch (IllegalStateException e) {
          log.warn("jtork.runtime.type = auto: no Docker daemon answers at {}, so tasks run on the host with the shell"
              + " runtime (image is ignored)", docker.host());
          yield shell.get();
        }
      }
      default -> throw new IllegalArgumentException("jtork.runtime.type must be auto, shell, docker or podman, not \""
          + type + "\"");
    };
  }
}
