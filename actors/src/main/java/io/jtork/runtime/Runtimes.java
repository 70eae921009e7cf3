package io.jtork.runtime;

import io.jtork.runtime.shell.ShellRuntime;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Chooses the runtime from {@code jtork.runtime.type}. */
public final class Runtimes {
  private static final Logger log = LoggerFactory.getLogger(Runtimes.class);

  private Runtimes() {}

  public static TaskRuntime choose(String type, List<String> shellCommand, Path shellRoot, List<String> inheritEnv) {
    return switch (type) {
      case "shell" -> new ShellRuntime(shellCommand, shellRoot, inheritEnv);
      case "auto" -> {
        log.warn("jtork.runtime.type = auto: no container runtime is available in this build, so tasks run on the"
            + " host with the shell runtime (image is ignored)");
        yield new ShellRuntime(shellCommand, shellRoot, inheritEnv);
      }
      case "docker", "podman" -> throw new IllegalArgumentException("jtork.runtime.type = " + type
          + ": this build has no " + type + " runtime yet; use shell or auto");
      default -> throw new IllegalArgumentException("jtork.runtime.type must be auto, shell, docker or podman, not \""
          + type + "\"");
    };
  }
}
