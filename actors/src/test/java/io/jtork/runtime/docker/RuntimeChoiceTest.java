package io.jtork.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jtork.runtime.Runtimes;
import io.jtork.runtime.TaskRuntime;
import io.jtork.runtime.shell.ShellRuntime;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jtork.runtime.type}: auto picks Docker when its daemon answers; docker without a daemon stops the node. */
class RuntimeChoiceTest {
  @TempDir Path dir;

  private Supplier<TaskRuntime> shell() {
    return () -> new ShellRuntime(List.of("bash", "-c"), dir, List.of("PATH"));
  }

  private static DockerSettings at(String host) {
    return new DockerSettings("docker", host, null, "0123456789abcdef0123456789abcdef", null, null, Duration.ofMinutes(1));
  }

  @Test
  void autoUsesDockerWhenItsDaemonAnswers() {
    String host = DockerDaemon.require();
    try (TaskRuntime r = Runtimes.choose("auto", shell(), at(host), at(host))) {
      assertThat(r.name()).isEqualTo("docker");
      assertThat(r.isHealthy()).isTrue();
    }
  }

  @Test
  void autoFallsBackToTheShellWithoutADaemon() {
    try (TaskRuntime r = Runtimes.choose("auto", shell(), at("unix://" + dir.resolve("none.sock")), null)) {
      assertThat(r.name()).isEqualTo("shell");
    }
  }

  @Test
  void dockerWithoutADaemonStopsTheNodeNamingTheAddress() {
    String host = "unix://" + dir.resolve("none.sock");
    assertThatThrownBy(() -> Runtimes.choose("docker", shell(), at(host), null))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("the docker daemon at " + host + " does not answer: ");
  }

  @Test
  void anUnknownTypeIsRefused() {
    assertThatThrownBy(() -> Runtimes.choose("lxc", shell(), null, null))
        .hasMessage("jtork.runtime.type must be auto, shell, docker or podman, not \"lxc\"");
  }
}
