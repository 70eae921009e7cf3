package io.jtork.multijvm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A secret put into env, inputs, the log, the output and a webhook header of a job reaches none of:
 * any response body (every endpoint, list and history included), any webhook payload, the node's
 * own log file, and (with a key) the database files. The webhook header itself is the receiver's.
 */
class SecretsEverywhereTest {
  static final String SECRET = "qx-s3cr3t-everywhere-42";
  static final String PASSWORD = "pw-everywhere-17";
  static final String KEY = "q8Zb3m1xV0c9yJ2rT5uW7eH4kL6nP8sD0fG2hJ4kL6M=";

  @TempDir Path dir;

  @Test
  void theSecretIsNowhereButWhereItWasSent() throws Exception {
    Receiver receiver = new Receiver("Authorization");
    List<String> payloads = receiver.payloads;
    List<String> authHeaders = receiver.headers;
    String hook = receiver.url;
    Path data = dir.resolve("data");
    int port = ForkedNode.freePort();
    HttpClient http = HttpClient.newHttpClient();
    try (ForkedNode node = ForkedNode.standalone(data, port, "shell", Map.of("JTORK_SECRETS_KEY", KEY))) {
      String id = node.postYaml("""
          name: secrets everywhere
          secrets: {token: %s}
          inputs: {DB_PASSWORD: %s, plain: "value {{ 1 }}"}
          output: "{{ tasks.out }} / {{ secrets.token }}"
          webhooks:
          - url: %s
            headers: {Authorization: "Bearer {{ secrets.token }}"}
          - url: %s
            event: task.StateChange
          tasks:
          - name: leaks on purpose
            var: out
            env: {TOKEN: "{{ secrets.token }}", PW: "{{ inputs.DB_PASSWORD }}"}
            run: |
              echo "the token is $TOKEN and the password $PW"
              echo "to stderr: $TOKEN" >&2
              echo -n "out:$TOKEN:$PW" > $TORK_OUTPUT
          - name: fails with it
            env: {TOKEN: "{{ secrets.token }}"}
            run: echo "failing with $TOKEN"; exit 3
          """.formatted(SECRET, PASSWORD, hook, hook)).get("id").asText();
      Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() ->
          node.get("/jobs/" + id).path("state").asText().equals("FAILED"));
      Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> payloads.stream().anyMatch(p -> p.contains("FAILED"))
          && node.get("/jobs/" + id + "/log").toString().contains("failing with"));
      JsonNode job = node.get("/jobs/" + id);
      List<String> bodies = new ArrayList<>();
      List<String> paths = new ArrayList<>(List.of("/jobs/" + id, "/jobs?q=secrets", "/jobs", "/jobs/" + id + "/log",
          "/jobs/" + id + "/events", "/health"));
      for (JsonNode t : job.get("execution")) {
        paths.add("/tasks/" + t.get("id").asText());
        paths.add("/tasks/" + t.get("id").asText() + "/log");
      }
      for (String path : paths) {
        // The list and the tasks are read models: wait until the projection has them.
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + path)).build(), HttpResponse.BodyHandlers.ofString())
            .statusCode() == 200);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
            HttpResponse.BodyHandlers.ofString());
        bodies.add(path + " -> " + r.body());
      }
      assertThat(String.join("\n", bodies)).contains("[REDACTED]").contains("the token is [REDACTED]")
          .contains("failing with [REDACTED]");
      for (String b : bodies) assertThat(b).doesNotContain(SECRET).doesNotContain(PASSWORD);
      assertThat(payloads).isNotEmpty().allSatisfy(p -> assertThat(p).doesNotContain(SECRET).doesNotContain(PASSWORD));
      assertThat(authHeaders).contains("Bearer " + SECRET); // sent where the job said to send it
      assertThat(job.get("result") == null || !job.get("result").asText().contains(SECRET)).isTrue();
    } finally {
      receiver.close();
    }
    String log;
    try (Stream<Path> files = Files.list(data)) {
      StringBuilder sb = new StringBuilder();
      for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".log")).toList()) {
        sb.append(Files.readString(f));
      }
      log = sb.toString();
    }
    assertThat(log).as("the node's own log").contains("jtork standalone").doesNotContain(SECRET).doesNotContain(PASSWORD);
    try (Stream<Path> files = Files.walk(data)) {
      List<Path> dbFiles = files.filter(p -> p.toString().endsWith(".mv.db")).toList();
      assertThat(dbFiles).as("the H2 database files").isNotEmpty();
      for (Path f : dbFiles) {
        String raw = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
        assertThat(raw).as(f.toString()).doesNotContain(SECRET).doesNotContain(PASSWORD);
      }
    }
  }

  // Issue 20, point 1: literal values under secret-looking env keys, a secret-looking input, an
  // evaluated env value under such a key, and a secret in a task's name.
  static final String API = "api-s3cr3t-AAA111";
  static final String ENV_PASSWORD = "pw-literal-BBB222";
  static final String ENV_AWS = "aws-literal-CCC333";
  static final String INPUT_PASSWORD = "in-pw-FFF666";
  static final String DERIVED = "zz-plain-DDD444-derived";
  static final String HOOK_SECRET = "hook-literal-EEE555";
  static final List<String> ALL = List.of(API, ENV_PASSWORD, ENV_AWS, INPUT_PASSWORD, DERIVED, HOOK_SECRET);

  @Test
  void noSecretOfTheJobIsStoredOrServedInClear() throws Exception {
    Receiver receiver = new Receiver("X-Api-Key");
    List<String> payloads = receiver.payloads;
    List<String> apiKeys = receiver.headers;
    String hook = receiver.url;
    Path data = dir.resolve("data20");
    int port = ForkedNode.freePort();
    HttpClient http = HttpClient.newHttpClient();
    try (ForkedNode node = ForkedNode.standalone(data, port, "shell", Map.of("JTORK_SECRETS_KEY", KEY))) {
      String id = node.postYaml("""
          name: issue20 secrets
          secrets: {api: %s}
          inputs: {DB_PASSWORD: %s, plain: zz-plain-DDD444}
          webhooks:
          - url: %s
            headers: {X-Api-Key: "{{ secrets.api }}", X-Hook-Secret: %s}
          - url: %s
            event: task.StateChange
          tasks:
          - name: t1
            var: t1
            env:
              MY_PASSWORD: %s
              AWS_SECRET_ACCESS_KEY: %s
              API: "{{ secrets.api }}"
              PW: "{{ inputs.DB_PASSWORD }}"
              DERIVED_SECRET: "{{ inputs.plain }}-derived"
            run: |
              echo "stdout: $MY_PASSWORD $AWS_SECRET_ACCESS_KEY $API $PW $DERIVED_SECRET"
              echo "stderr: $MY_PASSWORD $AWS_SECRET_ACCESS_KEY $API $PW $DERIVED_SECRET" >&2
              echo -n "out:$MY_PASSWORD:$AWS_SECRET_ACCESS_KEY:$API:$PW:$DERIVED_SECRET" > $TORK_OUTPUT
          - name: "t2-{{ secrets.api }}"
            env: {PREV: "{{ tasks.t1 }}"}
            run: |
              echo "quoting $PREV"
              echo "failing on $PREV" >&2
              exit 4
          """.formatted(API, INPUT_PASSWORD, hook, HOOK_SECRET, hook, ENV_PASSWORD, ENV_AWS)).get("id").asText();
      Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() ->
          node.get("/jobs/" + id).path("state").asText().equals("FAILED"));
      Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> payloads.stream().anyMatch(p -> p.contains("FAILED"))
          && node.get("/jobs/" + id + "/log").toString().contains("failing on"));
      JsonNode job = node.get("/jobs/" + id);
      String at = java.time.Instant.now().toString();
      List<String> paths = new ArrayList<>(List.of("/jobs/" + id, "/jobs?q=issue20", "/jobs", "/jobs/" + id + "/log",
          "/jobs/" + id + "/events", "/jobs/" + id + "?at=" + at));
      for (JsonNode t : job.get("execution")) {
        paths.add("/tasks/" + t.get("id").asText());
        paths.add("/tasks/" + t.get("id").asText() + "/log");
      }
      List<String> bodies = new ArrayList<>();
      for (String path : paths) {
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + path)).build(), HttpResponse.BodyHandlers.ofString())
            .statusCode() == 200);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
            HttpResponse.BodyHandlers.ofString());
        bodies.add(path + " -> " + r.body());
      }
      String all = String.join("\n", bodies);
      for (String secret : ALL) {
        for (String b : bodies) assertThat(b).as("a response").doesNotContain(secret);
        assertThat(payloads).as("the webhook bodies").isNotEmpty().allSatisfy(p -> assertThat(p).doesNotContain(secret));
      }
      assertThat(apiKeys).contains(API); // the header went where the job said to send it
      // Where a secret was, the marker is.
      String redactedAll = "[REDACTED]:[REDACTED]:[REDACTED]:[REDACTED]:[REDACTED]";
      JsonNode t1 = job.get("execution").get(0);
      JsonNode t2 = job.get("execution").get(1);
      assertThat(t1.path("result").asText()).isEqualTo("out:" + redactedAll);
      assertThat(job.path("context").path("tasks").path("t1").asText()).isEqualTo("out:" + redactedAll);
      assertThat(t2.path("name").asText()).isEqualTo("t2-[REDACTED]");
      assertThat(t2.path("error").asText()).contains("failing on out:" + redactedAll);
      assertThat(job.path("error").asText()).contains("failing on out:" + redactedAll);
      assertThat(all).contains("stdout: [REDACTED] [REDACTED] [REDACTED] [REDACTED] [REDACTED]")
          .contains("stderr: [REDACTED] [REDACTED] [REDACTED] [REDACTED] [REDACTED]")
          .contains("quoting out:" + redactedAll);
      assertThat(payloads).anySatisfy(p -> assertThat(p).contains("t2-[REDACTED]"));
    } finally {
      receiver.close();
    }
    String log;
    try (Stream<Path> files = Files.list(data)) {
      StringBuilder sb = new StringBuilder();
      for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".log")).toList()) sb.append(Files.readString(f));
      log = sb.toString();
    }
    assertThat(log).as("the node's own log").contains("jtork standalone");
    try (Stream<Path> files = Files.walk(data)) {
      List<Path> dbFiles = files.filter(p -> p.toString().endsWith(".mv.db")).toList();
      assertThat(dbFiles).as("the H2 database files").isNotEmpty();
      for (String secret : ALL) {
        assertThat(log).as("the node's own log").doesNotContain(secret);
        for (Path f : dbFiles) {
          String raw = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
          assertThat(raw).as(f.toString()).doesNotContain(secret);
        }
      }
    }
  }

  /** A webhook receiver on loopback: the body of each call, and one header of each call. */
  private static final class Receiver implements AutoCloseable {
    final List<String> payloads = new CopyOnWriteArrayList<>();
    final List<String> headers = new CopyOnWriteArrayList<>();
    final HttpServer server;
    final String url;

    Receiver(String header) throws java.io.IOException {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext("/hook", exchange -> {
        payloads.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        headers.add(exchange.getRequestHeaders().getFirst(header));
        exchange.sendResponseHeaders(200, -1);
        exchange.close();
      });
      server.start();
      url = "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }
}
