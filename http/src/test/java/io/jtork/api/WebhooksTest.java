package io.jtork.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.jtork.json.Json;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Webhooks through a real node to a real HTTP server on loopback. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebhooksTest {
  record Call(String path, Map<String, List<String>> headers, JsonNode body, String raw) {
    String header(String name) {
      return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).findFirst()
          .map(e -> e.getValue().get(0)).orElse(null);
    }
  }

  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
  private HttpServer server;
  private String base;
  private TestNode node;

  @BeforeAll
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      String path = exchange.getRequestURI().getPath();
      String raw = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      calls.add(new Call(path, Map.copyOf(exchange.getRequestHeaders()), Json.json().readTree(raw), raw));
      int n = hits.computeIfAbsent(path, k -> new AtomicInteger()).incrementAndGet();
      int status = path.startsWith("/flaky") && n <= 2 ? 500 : path.startsWith("/teapot") ? 418 : 200;
      exchange.sendResponseHeaders(status, -1);
      exchange.close();
    });
    server.start();
    base = "http://127.0.0.1:" + server.getAddress().getPort();
    node = TestNode.h2(Map.of());
  }

  @AfterAll
  void stop() throws Exception {
    if (node != null) node.close();
    if (server != null) server.stop(0);
  }

  private List<Call> at(String path) {
    return calls.stream().filter(c -> c.path().equals(path)).toList();
  }

  private List<JsonNode> attempts(String jobId) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode e : node.get("/jobs/" + jobId + "/events").json().get("items")) {
      if (e.get("type").asText().equals("WebhookAttempted")) out.add(e.get("data"));
    }
    return out;
  }

  @Test
  void everyStateChangeArrivesInOrderRedactedAndAFailingHookIsRetried() throws Exception {
    String id = node.submit("""
        name: hooked
        secrets: {token: s3cr3t-hook}
        inputs: {API_PASSWORD: pw-in-input, region: eu}
        output: "{{ tasks.r }}"
        webhooks:
        - url: %1$s/job
          headers: {Authorization: "Bearer {{ secrets.token }}"}
        - url: %1$s/task
          event: task.StateChange
        - url: %1$s/completed
          if: "{{ job.State == 'COMPLETED' }}"
        - url: %1$s/flaky
          if: "{{ job.state == 'COMPLETED' }}"
        tasks:
        - name: first
          var: r
          env: {TOKEN: "{{ secrets.token }}"}
          run: echo token $TOKEN; echo -n "got $TOKEN" > $TORK_OUTPUT
        - name: second
          run: "true"
        """.formatted(base));
    assertThat(node.awaitState(id, "COMPLETED", "FAILED").get("state").asText()).isEqualTo("COMPLETED");
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> at("/flaky").size() >= 3
        && at("/job").stream().anyMatch(c -> c.body().path("state").asText().equals("COMPLETED")));

    List<Call> job = at("/job");
    assertThat(job).extracting(c -> c.body().get("state").asText())
        .containsExactly("PENDING", "SCHEDULED", "RUNNING", "COMPLETED");
    assertThat(job).allSatisfy(c -> {
      assertThat(c.body().get("id").asText()).isEqualTo(id);
      assertThat(c.header("Authorization")).isEqualTo("Bearer s3cr3t-hook");
      assertThat(c.header("Content-Type")).isEqualTo("application/json; charset=UTF-8");
      assertThat(c.header("X-Jtork-Delivery")).startsWith(id + "-");
      assertThat(c.header("X-Jtork-Redelivery")).isNull();
      assertThat(c.raw()).doesNotContain("s3cr3t-hook").doesNotContain("pw-in-input");
      assertThat(c.body().at("/inputs/API_PASSWORD").asText()).isEqualTo("[REDACTED]");
    });
    assertThat(job.get(3).body().get("result").asText()).isEqualTo("got [REDACTED]");

    List<Call> tasks = at("/task");
    for (String name : List.of("first", "second")) {
      assertThat(tasks.stream().filter(c -> c.body().path("name").asText().equals(name))
          .map(c -> c.body().get("state").asText()).toList()).as(name)
          .containsExactly("SCHEDULED", "RUNNING", "COMPLETED");
    }
    assertThat(tasks).allSatisfy(c -> assertThat(c.body().get("jobId").asText()).isEqualTo(id));
    assertThat(at("/completed")).singleElement().satisfies(c ->
        assertThat(c.body().get("state").asText()).isEqualTo("COMPLETED"));

    List<Call> flaky = at("/flaky");
    assertThat(flaky).hasSize(3).extracting(c -> c.header("X-Jtork-Delivery")).containsOnly(
        flaky.get(0).header("X-Jtork-Delivery"));
    List<JsonNode> recorded = attempts(id).stream()
        .filter(a -> a.get("callId").asText().equals(flaky.get(0).header("X-Jtork-Delivery"))).toList();
    assertThat(recorded).extracting(a -> a.get("attempt").asInt()).containsExactly(1, 2, 3);
    assertThat(recorded).extracting(a -> a.get("status").asInt()).containsExactly(500, 500, 200);
    assertThat(recorded).extracting(a -> a.get("done").asBoolean()).containsExactly(false, false, true);
    assertThat(recorded.get(0).get("url").asText()).isEqualTo(base + "/flaky");
    assertThat(node.get("/jobs/" + id + "/events").body()).doesNotContain("s3cr3t-hook").doesNotContain("pw-in-input");
    assertThat(node.get("/jobs/" + id).json().has("outbox")).isFalse();
  }

  @Test
  void aFinalRefusalIsNotRetriedAndMetadataAddressesAreDenied() throws Exception {
    String id = node.submit("""
        name: refused
        webhooks:
        - url: %s/teapot
          if: "{{ job.State == 'COMPLETED' }}"
        - url: http://169.254.169.254/latest/meta-data/
          if: "{{ job.State == 'COMPLETED' }}"
        tasks:
        - name: only
          run: "true"
        """.formatted(base));
    node.awaitState(id, "COMPLETED");
    Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> attempts(id).size() >= 2);
    List<JsonNode> recorded = attempts(id);
    assertThat(recorded).hasSize(2);
    assertThat(recorded.get(0).get("status").asInt()).isEqualTo(418);
    assertThat(recorded.get(0).get("done").asBoolean()).isTrue();
    assertThat(recorded.get(1).has("status")).isFalse();
    assertThat(recorded.get(1).get("error").asText()).isEqualTo("webhook host 169.254.169.254 resolves to"
        + " 169.254.169.254, a link-local or metadata address, which is denied (jtork.webhooks.deny-link-local)");
    assertThat(recorded.get(1).get("done").asBoolean()).isTrue();
    assertThat(at("/teapot")).hasSize(1);
  }

  @Test
  void aWebhookUrlThatIsNotHttpIsA400() {
    TestNode.Response r = node.postYaml("""
        name: bad hook
        webhooks:
        - url: ftp://example.com/hook
        tasks:
        - name: t
          run: "true"
        """);
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("message").asText())
        .isEqualTo("invalid job: webhooks[0].url: must be an http or https URL (got \"ftp://example.com/hook\")");
  }
}
