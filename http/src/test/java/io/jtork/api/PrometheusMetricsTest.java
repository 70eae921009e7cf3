package io.jtork.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code /prometheus}, and {@code /metrics} when a scraper asks for Prometheus's formats, on a
 * real node: what its jobs, tasks, journal and API did, and the JVM's metrics, with no job id in
 * any label. Tork's JSON stays the answer to a plain {@code GET /metrics}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PrometheusMetricsTest extends NodePerClass {
  private static final String SCRAPER_ACCEPT = "application/openmetrics-text;version=1.0.0,"
      + "application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
  private final HttpClient http = HttpClient.newHttpClient();

  @Override
  TestNode startNode() throws Exception {
    return TestNode.h2(Map.of());
  }

  private HttpResponse<String> get(String path, String accept) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(node.base + path)).timeout(Duration.ofSeconds(30));
    if (accept != null) b.header("Accept", accept);
    return http.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The value of the sample {@code name{labels}} in a Prometheus text page (0 when absent). */
  private static double sample(String page, String nameAndLabels) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(nameAndLabels) + " ([0-9.eE+-]+)").matcher(page);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  /** First: the schedule's jobs (below) would be counted with these. */
  @Test
  @Order(1)
  void jobsTasksRetriesJournalWritesAndRequestsAreCountedWithoutIds() throws Exception {
    String before = get("/prometheus", null).body();
    String ok = node.submit("name: ok\ntasks:\n- name: a\n  run: echo -n a > $TORK_OUTPUT\n- name: b\n  run: 'true'\n");
    String failing = node.submit("name: failing\ntasks:\n- name: f\n  queue: default\n  run: exit 3\n"
        + "  retry:\n    limit: 1\n");
    node.awaitState(ok, "COMPLETED");
    node.awaitState(failing, "FAILED");

    // Other tests of the class share the node: what these two jobs added.
    Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      String page = get("/prometheus", null).body();
      assertThat(added(before, page, "jtork_jobs_total{event=\"submitted\"}")).isEqualTo(2);
      assertThat(added(before, page, "jtork_jobs_total{event=\"completed\"}")).isEqualTo(1);
      assertThat(added(before, page, "jtork_jobs_total{event=\"failed\"}")).isEqualTo(1);
      assertThat(added(before, page, "jtork_tasks_total{event=\"started\"}")).isEqualTo(4);
      assertThat(added(before, page, "jtork_tasks_total{event=\"completed\"}")).isEqualTo(2);
      assertThat(added(before, page, "jtork_tasks_total{event=\"failed\"}")).isEqualTo(2);
      assertThat(added(before, page, "jtork_tasks_total{event=\"retried\"}")).isEqualTo(1);
      assertThat(added(before, page, "jtork_task_duration_seconds_count{queue=\"default\"}")).isEqualTo(4);
      assertThat(added(before, page, "jtork_task_queue_wait_seconds_count{queue=\"default\"}")).isEqualTo(4);
    });
    HttpResponse<String> scraped = get("/prometheus", null);
    assertThat(scraped.statusCode()).isEqualTo(200);
    assertThat(scraped.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=UTF-8");
    String page = scraped.body();
    assertThat(page).contains("jtork_task_duration_seconds_bucket{queue=\"default\",le=");
    assertThat(added(before, page, "jtork_journal_write_seconds_count")).isPositive();
    // The node runs on H2: its commits reach the file, each as at least one write of some pages.
    double writes = added(before, page, "jtork_h2_file_writes_total");
    assertThat(writes).isPositive();
    assertThat(added(before, page, "jtork_h2_file_written_bytes_total")).isGreaterThanOrEqualTo(writes * 4096);
    assertThat(added(before, page,
        "jtork_http_requests_seconds_count{method=\"POST\",route=\"/jobs\",status=\"200\"}")).isEqualTo(2);
    assertThat(sample(page, "jtork_http_requests_seconds_count{method=\"GET\",route=\"/jobs/{id}\",status=\"200\"}"))
        .isPositive();
    assertThat(page).contains("jvm_memory_used_bytes{", "jvm_gc_", "process_uptime_seconds");
    assertThat(page).doesNotContain(ok).doesNotContain(failing);
  }

  private static double added(String before, String after, String nameAndLabels) {
    return sample(after, nameAndLabels) - sample(before, nameAndLabels);
  }

  @Test
  void metricsAnswersAScraperInItsFormatAndEveryoneElseWithTorksJson() throws Exception {
    HttpResponse<String> json = get("/metrics", null);
    assertThat(json.statusCode()).isEqualTo(200);
    assertThat(json.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(new TestNode.Response(json.statusCode(), json.body()).json().has("jobs")).isTrue();
    assertThat(get("/metrics", "application/json").body()).startsWith("{");

    HttpResponse<String> open = get("/metrics", SCRAPER_ACCEPT);
    assertThat(open.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/openmetrics-text");
    assertThat(open.body()).contains("# TYPE jvm_memory_used_bytes gauge").endsWith("# EOF\n");

    HttpResponse<String> text = get("/metrics", "text/plain;version=0.0.4");
    assertThat(text.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain; version=0.0.4");
    assertThat(text.body()).contains("# HELP jvm_memory_used_bytes");
  }

  @Test
  @Order(2)
  void scheduledFiresTheirLatenessAndTheProjectionsLagAreRecorded() throws Exception {
    TestNode.Response created = node.post("/scheduled-jobs", "text/yaml",
        "name: every-second\nschedule: {cron: \"* * * * * *\"}\ntasks:\n- name: t\n  run: 'true'\n");
    assertThat(created.status()).as(created.body()).isEqualTo(200);
    String id = created.json().get("id").asText();
    try {
      Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
        String page = get("/prometheus", null).body();
        assertThat(sample(page, "jtork_schedule_fires_total{outcome=\"fired\"}")).isGreaterThanOrEqualTo(2);
        assertThat(sample(page, "jtork_schedule_lateness_seconds_count")).isGreaterThanOrEqualTo(2);
        assertThat(sample(page, "jtork_projection_lag_seconds_count{projection=\"jobs\"}")).isPositive();
        assertThat(sample(page, "jtork_projection_lag_seconds_count{projection=\"scheduled-jobs\"}")).isPositive();
      });
    } finally {
      assertThat(node.delete("/scheduled-jobs/" + id).status()).isEqualTo(200);
    }
  }

  @Test
  @Order(3)
  void aQueuesDepthIsShownWhileATaskWaitsInItAndGoesBackWhenTheTaskIsCancelled() throws Exception {
    String id = node.submit("name: waits\ntasks:\n- name: w\n  queue: nobody-serves-this\n  run: 'true'\n");
    String depth = "jtork_queue_depth{queue=\"nobody-serves-this\"}";
    Awaitility.await().atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(sample(get("/prometheus", null).body(), depth)).isEqualTo(1));
    assertThat(get("/prometheus", null).body()).contains("jtork_queue_running{queue=\"nobody-serves-this\"} 0.0");
    assertThat(node.put("/jobs/" + id + "/cancel").status()).isEqualTo(200);
    Awaitility.await().atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(sample(get("/prometheus", null).body(), depth)).isZero());
  }

  @Test
  void anUnknownPathIsCountedAsOtherNotByItsName() throws Exception {
    assertThat(get("/no-such-thing-" + System.nanoTime(), null).statusCode()).isEqualTo(404);
    assertThat(get("/prometheus", null).body()).contains("route=\"other\"").doesNotContain("no-such-thing");
    assertThat(ApiDirectives.routeOf("/jobs/0123/log")).isEqualTo("/jobs/{id}/log");
    assertThat(ApiDirectives.routeOf("/scheduled-jobs/x/pause")).isEqualTo("/scheduled-jobs/{id}/pause");
    assertThat(ApiDirectives.routeOf("/queues/my-queue")).isEqualTo("/queues/{id}");
    assertThat(ApiDirectives.routeOf("/jobs/a/b/c/d")).isEqualTo("other");
    assertThat(ApiDirectives.routeOf("/")).isEqualTo("/");
  }
}
