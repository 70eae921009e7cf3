package io.jtork.multijvm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A webhook owed when its node is killed is delivered after the restart: the call waited in the
 * job's journal, and the restarted job entity sends it, saying it may be a repeat.
 */
class WebhookCrashTest {
  @TempDir Path dir;

  record Received(String state, String delivery, String redelivery, int answered) {}

  @Test
  void aWebhookOwedAtTheKillArrivesAfterTheRestart() throws Exception {
    List<Received> received = new CopyOnWriteArrayList<>();
    AtomicBoolean up = new AtomicBoolean(false);
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/hook", exchange -> {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      JsonNode json = io.jtork.json.Json.json().readTree(body);
      int status = up.get() ? 200 : 503;
      received.add(new Received(json.path("state").asText(), exchange.getRequestHeaders().getFirst("X-Jtork-Delivery"),
          exchange.getRequestHeaders().getFirst("X-Jtork-Redelivery"), status));
      exchange.sendResponseHeaders(status, -1);
      exchange.close();
    });
    server.start();
    String hook = "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    Path data = dir.resolve("data");
    int port = ForkedNode.freePort();
    String id;
    try {
      try (ForkedNode first = ForkedNode.standalone(data, port)) {
        id = first.postYaml("""
            name: hooked across a crash
            webhooks:
            - url: %s
              if: "{{ job.State == 'COMPLETED' }}"
            tasks:
            - name: only
              run: "true"
            """.formatted(hook)).get("id").asText();
        // The receiver is down (503): the call stays owed, and is retried after 2 s, 4 s...
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !received.isEmpty());
        first.kill();
      }
      assertThat(received).allSatisfy(r -> assertThat(r.answered()).isEqualTo(503));
      String delivery = received.get(0).delivery();
      up.set(true);

      try (ForkedNode second = ForkedNode.standalone(data, port)) {
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() ->
            received.stream().anyMatch(r -> r.answered() == 200));
        // nothing more may come
        Awaitility.await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6)).until(() ->
            received.stream().filter(r -> r.answered() == 200).count() == 1);
        List<Received> delivered = received.stream().filter(r -> r.answered() == 200).toList();
        assertThat(delivered).as("delivered exactly once").hasSize(1);
        assertThat(delivered.get(0).state()).isEqualTo("COMPLETED");
        assertThat(delivered.get(0).delivery()).as("the same call as before the kill").isEqualTo(delivery);
        assertThat(delivered.get(0).redelivery()).as("a call that may have gone out before the kill says so")
            .isEqualTo("true");
        assertThat(received).extracting(Received::delivery).containsOnly(delivery);

        JsonNode events = second.get("/jobs/" + id + "/events").get("items");
        List<JsonNode> attempts = new java.util.ArrayList<>();
        events.forEach(e -> {
          if (e.get("type").asText().equals("WebhookAttempted")) attempts.add(e.get("data"));
        });
        assertThat(attempts).isNotEmpty();
        JsonNode last = attempts.get(attempts.size() - 1);
        assertThat(last.get("status").asInt()).isEqualTo(200);
        assertThat(last.get("done").asBoolean()).isTrue();
        assertThat(attempts.subList(0, attempts.size() - 1)).allSatisfy(a ->
            assertThat(a.get("status").asInt()).isEqualTo(503));
      }
    } finally {
      server.stop(0);
    }
  }
}
