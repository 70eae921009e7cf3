package io.jtork.multijvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.jtork.json.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node running as root, with auth on and a secrets key, runs a shell task that tries to read
 * what is not its own: the node's environment ({@code /proc/<parent>/environ}, which holds the
 * key), its data directory, its configuration file, and the directory of another task running
 * beside it. Each attempt is refused by the system (permission denied), and the task runs as a
 * user of its own from {@code jtork.runtime.shell.uid-range} (the default on root).
 */
class ShellTaskIsolationTest {
  @TempDir Path dir;

  private static final String ADMIN_PASSWORD = "admin-pw-isolation-9";
  private static final String KEY = "q8Zb3m1xV0c9yJ2rT5uW7eH4kL6nP8sD0fG2hJ4kL6M=";

  @Test
  void aShellTaskCanReadNeitherTheNodesSecretsNorAnotherTasksFiles() throws Exception {
    assumeTrue(ProcessHandle.current().info().user().map("root"::equals).orElse(false), "tasks switch users only on root");
    Path data = dir.resolve("data");
    Path shared = TaskSharedDir.in(dir);
    Path config = dir.resolve("jtork-node.conf");
    Files.writeString(config, """
        jtork.auth.enabled = true
        jtork.auth.admin.username = admin
        jtork.auth.admin.password = "%s"
        """.formatted(ADMIN_PASSWORD));
    Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------")); // as docs/shell-tasks.md says
    int port = ForkedNode.freePort();
    try (ForkedNode node = ForkedNode.standalone(data, port, "shell", Map.of("JTORK_SECRETS_KEY", KEY),
        "--config", config.toString())) {
      Map<String, String> admin = Map.of("Authorization", "Basic "
          + Base64.getEncoder().encodeToString(("admin:" + ADMIN_PASSWORD).getBytes(StandardCharsets.UTF_8)));
      // One task keeps a file in its own directory and says where it is; the other tries everything.
      String job = """
          name: nosy
          output: "{{ tasks.probe }}"
          tasks:
          - name: both
            parallel:
              tasks:
              - name: keeper
                run: |
                  echo "kept-""by-the-keeper" > mine.txt
                  echo -n "$PWD" > %1$s/keeper-dir
                  for i in $(seq 1 300); do [ -f %1$s/probe-done ] && break; sleep 0.1; done
              - name: prober
                var: probe
                run: |
                  for i in $(seq 1 300); do [ -s %1$s/keeper-dir ] && break; sleep 0.1; done
                  try() { if out=$(eval "$2" 2>&1); then echo "READ $1"; else case "$out" in *"Permission denied"*) echo "DENIED $1";; *) echo "OTHER $1: $out";; esac; fi; }
                  {
                    echo "uid $(id -u)"
                    try environ "cat /proc/$PPID/environ"
                    try data-dir "ls %2$s"
                    try database "cat %2$s/*.db"
                    try config "cat %3$s"
                    try other-task "cat $(cat %1$s/keeper-dir)/mine.txt"
                  } > $TORK_OUTPUT
                  touch %1$s/probe-done
          """.formatted(shared, data, config);
      ForkedNode.Answer submitted = node.send("POST", "/jobs", job, Duration.ofSeconds(15), admin);
      assertThat(submitted.status()).as(submitted.body()).isEqualTo(200);
      String id = Json.json().readTree(submitted.body()).get("id").asText();
      JsonNode[] last = new JsonNode[1];
      Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> {
        last[0] = Json.json().readTree(node.send("GET", "/jobs/" + id, null, Duration.ofSeconds(15), admin).body());
        return List.of("COMPLETED", "FAILED").contains(last[0].path("state").asText());
      });
      assertThat(last[0].path("state").asText()).as("%s", last[0]).isEqualTo("COMPLETED");
      List<String> lines = List.of(last[0].path("result").asText().split("\n"));
      assertThat(lines).as("%s", last[0]).containsExactly(lines.get(0), "DENIED environ", "DENIED data-dir",
          "DENIED database", "DENIED config", "DENIED other-task");
      assertThat(Integer.parseInt(lines.get(0).substring("uid ".length()))).isBetween(200000, 200999);
      assertThat(last[0].toString()).doesNotContain(KEY).doesNotContain("kept-by-the-keeper");
    }
  }
}
