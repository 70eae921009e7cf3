package io.jtork.multijvm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.jtork.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
 * the build just packaged, a node forked by the script), and checks what the README promises:
 * the hello job followed to its end by {@code jtork submit --follow} (plain lines, as its output
 * is a pipe here).
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
      // Piped, `jtork submit --follow` prints plain lines: the submission, each task's states, the
      // log lines, and the end.
      Matcher submitted = Pattern.compile("(?m)^job ([0-9a-f]{32}) \"hello job\" submitted$").matcher(out);
      assertThat(submitted.find()).as("the submission in:\n%s", out).isTrue();
      String id = submitted.group(1);
      assertThat(out).containsPattern("(?m)^\\[ +\\d+\\.\\ds\\] task \"say hello\" COMPLETED$")
          .containsPattern("(?m)^\\[ +\\d+\\.\\ds\\] task \"say goodbye\" COMPLETED$")
          .containsPattern("(?m)^say goodbye \\| bye world$")
          .containsPattern("(?m)^job " + id + " COMPLETED in \\d+\\.\\ds$");
      // The node keeps running: the job as the API shows it.
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://localhost:" + port + "/jobs/" + id)).build(), HttpResponse.BodyHandlers.ofString());
      JsonNode job = Json.json().readTree(r.body());
      assertThat(job.path("state").asText()).isEqualTo("COMPLETED");
      assertThat(job.path("taskCount").asInt()).isEqualTo(2);
      assertThat(job.path("context").path("tasks").path("task1").asText()).isEqualTo("hello world");
      assertThat(job.path("execution").size()).isEqualTo(2);
    } finally {
      p.destroyForcibly();
      Matcher pid = Pattern.compile("\\(pid (\\d+),").matcher(out);
      if (pid.find()) ProcessHandle.of(Long.parseLong(pid.group(1))).ifPresent(ProcessHandle::destroyForcibly);
    }
  }
}
