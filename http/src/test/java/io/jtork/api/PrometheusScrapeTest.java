package io.jtork.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.jtork.json.Json;
import java.io.File;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus server (Debian's {@code prometheus} package, which {@code .ci/run} installs)
 * scrapes a node's {@code /prometheus} while jobs run; its query API then shows the jobs and
 * their task runs, and {@code promtool check metrics} accepts the page. Without the package the
 * test is skipped, but not with {@code CI=true}.
 */
class PrometheusScrapeTest {
  private static final int JOBS = 5;
  private final HttpClient http = HttpClient.newHttpClient();

  private static boolean installed(String program) {
    for (String dir : System.getenv("PATH").split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, program))) return true;
    }
    return false;
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private JsonNode query(int port, String promql) throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + port + "/api/v1/query?query="
        + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
    return Json.json().readTree(r.body());
  }

  private double value(int port, String promql) throws Exception {
    JsonNode result = query(port, promql).at("/data/result");
    return result.isArray() && result.size() > 0 ? result.get(0).at("/value/1").asDouble() : -1;
  }

  @Test
  void aRealPrometheusScrapesTheJobsAndTheirTaskRunsAndPromtoolAcceptsThePage(@TempDir Path dir) throws Exception {
    if (!installed("prometheus") || !installed("promtool")) {
      String how = "Prometheus is not installed (apt-get install prometheus; .ci/run does)";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) fail("CI=true and " + how);
      assumeTrue(false, how);
    }
    try (TestNode node = TestNode.h2(Map.of())) {
      int port = freePort();
      Path config = dir.resolve("prometheus.yml");
      Files.writeString(config, "global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: jtork\n"
          + "    metrics_path: /prometheus\n    static_configs:\n      - targets: [\"" + URI.create(node.base).getAuthority()
          + "\"]\n");
      Process prometheus = new ProcessBuilder("prometheus", "--config.file=" + config,
          "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
          .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
      try {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < JOBS; i++) ids.add(node.submit("name: scraped-" + i + "\ntasks:\n- name: t\n  run: 'true'\n"));
        for (String id : ids) node.awaitState(id, "COMPLETED");

        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
            .untilAsserted(() -> {
              assertThat(value(port, "sum(jtork_jobs_total{event=\"completed\"})")).isEqualTo(JOBS);
              assertThat(value(port, "sum(jtork_task_duration_seconds_count)")).isEqualTo(JOBS);
              assertThat(value(port, "sum(jtork_task_duration_seconds_bucket{le=\"+Inf\"})")).isEqualTo(JOBS);
            });
        assertThat(value(port, "up{job=\"jtork\"}")).isEqualTo(1);

        Path page = dir.resolve("scrape.txt");
        Files.writeString(page, node.get("/prometheus").body());
        Process check = new ProcessBuilder("promtool", "check", "metrics").redirectInput(page.toFile())
            .redirectErrorStream(true).start();
        String said = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(check.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(check.exitValue()).as("promtool check metrics: %s", said).isZero();
      } finally {
        prometheus.destroy();
        if (!prometheus.waitFor(10, TimeUnit.SECONDS)) prometheus.destroyForcibly();
      }
    }
  }
}
