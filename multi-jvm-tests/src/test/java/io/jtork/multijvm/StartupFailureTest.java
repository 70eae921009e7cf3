package io.jtork.multijvm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node that cannot have what it needs says so in one line and exits with 1, through the
 * launcher a user runs ({@code bin/jtork}, the packaged jar): no stack trace to dig the reason
 * out of, and no API left half up.
 */
class StartupFailureTest {

  private record Exit(int code, String stdout, String stderr) {}

  private static Exit jtork(Path dir, Map<String, String> env, String... args) throws Exception {
    Path root = Path.of(System.getProperty("user.dir")).getParent();
    List<String> cmd = new java.util.ArrayList<>(List.of(root.resolve("bin/jtork").toString()));
    cmd.addAll(List.of(args));
    Path out = dir.resolve("stdout");
    Path err = dir.resolve("stderr");
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    try {
      assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("jtork exited").isTrue();
    } finally {
      p.destroyForcibly();
    }
    return new Exit(p.exitValue(), java.nio.file.Files.readString(out, StandardCharsets.UTF_8),
        java.nio.file.Files.readString(err, StandardCharsets.UTF_8));
  }

  private static void assertOneLineAndNoTrace(Exit e, String line) {
    assertThat(e.code()).as("exit code; stderr:\n%s", e.stderr()).isEqualTo(1);
    assertThat(e.stderr().lines().toList()).containsExactly(line);
    assertThat(e.stdout() + e.stderr()).doesNotContain("\tat ").doesNotContain("Exception");
  }

  @Test
  void aDockerDaemonThatDoesNotAnswerIsNamed(@TempDir Path dir) throws Exception {
    int port = ForkedNode.freePort();
    Exit e = jtork(dir, Map.of("DOCKER_HOST", "unix://" + dir.resolve("no-daemon.sock")),
        "run", "standalone", "--runtime", "docker", "--port", String.valueOf(port), "--data-dir", dir.resolve("data").toString());
    assertOneLineAndNoTrace(e, "jtork: the node could not start: the docker daemon at unix://" + dir.resolve("no-daemon.sock")
        + " does not answer: No such file or directory");
  }

  /** The success path names the database too: without the password its URL carries. */
  @Test
  void aMigrationShowsTheDatabaseWithoutItsPassword(@TempDir Path dir) throws Exception {
    String db = "jtork_startup_" + java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (var c = java.sql.DriverManager.getConnection(LocalCluster.POSTGRES + "postgres", LocalCluster.POSTGRES_USER, "");
        var st = c.createStatement()) {
      st.execute("CREATE DATABASE " + db);
    }
    try {
      // trust authentication here: the password is accepted and ignored
      Exit e = jtork(dir, Map.of("JTORK_DATASTORE_POSTGRES_URL", LocalCluster.POSTGRES + db + "?password=hunter2&ApplicationName=jtork",
          "JTORK_DATASTORE_POSTGRES_USER", LocalCluster.POSTGRES_USER), "migration", "--datastore", "postgres");
      assertThat(e.code()).as("exit code; stderr:\n%s", e.stderr()).isZero();
      assertThat(e.stdout()).contains("schema at " + LocalCluster.POSTGRES + db + " is at version ");
      assertThat(e.stdout() + e.stderr()).doesNotContain("hunter2");
    } finally {
      try (var c = java.sql.DriverManager.getConnection(LocalCluster.POSTGRES + "postgres", LocalCluster.POSTGRES_USER, "");
          var st = c.createStatement()) {
        st.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
      }
    }
  }

  @Test
  void aDatabaseThatCannotBeReachedIsNamedWithoutItsParameters(@TempDir Path dir) throws Exception {
    int port = ForkedNode.freePort();
    int closed = ForkedNode.freePort();
    Exit e = jtork(dir, Map.of("JTORK_DATASTORE_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:" + closed + "/jtork?password=hunter2",
            "JTORK_DATASTORE_POSTGRES_USER", "ops"),
        "run", "standalone", "--datastore", "postgres", "--runtime", "shell", "--port", String.valueOf(port));
    assertThat(e.stderr()).startsWith("jtork: the node could not start: could not prepare the database at jdbc:postgresql://127.0.0.1:"
        + closed + "/jtork as user \"ops\": ");
    assertOneLineAndNoTrace(e, e.stderr().strip());
    assertThat(e.stdout() + e.stderr()).doesNotContain("hunter2");

    Exit migration = jtork(dir, Map.of("JTORK_DATASTORE_POSTGRES_URL", "jdbc:postgresql://ops:hunter2@127.0.0.1:" + closed + "/jtork"),
        "migration", "--datastore", "postgres");
    assertThat(migration.stderr()).startsWith("jtork: could not prepare the database at jdbc:postgresql://127.0.0.1:" + closed + "/jtork as user ");
    assertOneLineAndNoTrace(migration, migration.stderr().strip());
    assertThat(migration.stdout() + migration.stderr()).doesNotContain("hunter2");
  }
}
