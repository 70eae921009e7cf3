package io.jtork.multijvm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.jtork.json.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the README's quick start, {@code bin/quickstart}, exactly as a new user would (the jar
 * the build just packaged, a node forked by the script), and checks what the README promises
 * it prints for the hello job.
 */
class QuickstartScriptTest {

  @Test
  void quickstartRunsTheHelloJobToCompletion(@TempDir Path data) throws Exception {
    Path root = Path.of(System.getProperty("user.dir")).getParent();
    Path script = root.resolve("bin/quickstart");
    assertThat(script).isExecutable();
    int port = ForkedNode.freePort();
    ProcessBuilder pb = new ProcessBuilder(script.toString()).directory(root.toFile()).redirectErrorStream(true);
    pb.environment().put("JTORK_HTTP_PORT", String.valueOf(port));
    pb.environment().put("JTORK_DATA_DIR", data.toString());
    // The hello job names ubuntu:mantic, which no registry here can serve: run it as a machine
    // without Docker would (the quick start then says the image is ignored).
    pb.environment().put("JTORK_RUNTIME_TYPE", "shell");
    Process p = pb.start();
    String out = "";
    try {
      assertThat(p.waitFor(180, TimeUnit.SECONDS)).as("bin/quickstart finished").isTrue();
      out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.exitValue()).as("exit code; output:\n%s", out).isZero();
      assertThat(out).contains("state: COMPLETED");
      String[] lines = out.split("\n");
      JsonNode job = null;
      String log = null;
      for (int i = 0; i + 1 < lines.length; i++) {
        if (lines[i].matches("--- GET /jobs/[0-9a-f]{32}")) job = Json.json().readTree(lines[i + 1]);
        if (lines[i].matches("--- GET /jobs/[0-9a-f]{32}/log")) log = lines[i + 1];
      }
      assertThat(job).as("the job printed in:\n%s", out).isNotNull();
      assertThat(job.path("state").asText()).isEqualTo("COMPLETED");
      assertThat(job.path("taskCount").asInt()).isEqualTo(2);
      assertThat(job.path("position").asInt()).isEqualTo(3);
      assertThat(job.path("context").path("tasks").path("task1").asText()).isEqualTo("hello world");
      assertThat(job.path("execution").size()).isEqualTo(2);
      assertThat(log).contains("bye world");
    } finally {
      p.destroyForcibly();
      Matcher pid = Pattern.compile("\\(pid (\\d+),").matcher(out);
      if (pid.find()) ProcessHandle.of(Long.parseLong(pid.group(1))).ifPresent(ProcessHandle::destroyForcibly);
    }
  }
}
