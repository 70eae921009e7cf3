package io.jtork.runtime.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A task error never shows the node's own run directory. */
class ShellRuntimeScrubTest {
  @TempDir
  Path data;

  @Test
  void theRunDirectoryIsReplacedInErrors() throws Exception {
    Path root = data.resolve("runs");
    ShellRuntime runtime = new ShellRuntime(List.of("bash", "-c"), root, List.of());
    String error = "shell runtime could not start the task: " + root.toAbsolutePath() + "/0123/workdir/.: Is a directory";
    assertThat(runtime.scrub(error))
        .isEqualTo("shell runtime could not start the task: <runs>/0123/workdir/.: Is a directory")
        .doesNotContain(data.toString());
    assertThat(runtime.scrub(root.toRealPath() + "/x")).isEqualTo("<runs>/x");
    assertThat(runtime.scrub(null)).isNull();
  }
}
