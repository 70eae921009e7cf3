package io.jtork.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** CORS and the per-address rate limit, both switched on (they are off by default, as in Tork). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LimitsTest {
  private TestNode node;

  @BeforeAll
  void start() throws Exception {
    node = TestNode.h2(Map.of("jtork.http.cors.enabled", true,
        "jtork.http.cors.allowed-origins", List.of("https://ui.example.com"),
        "jtork.http.rate-limit.enabled", true, "jtork.http.rate-limit.per-second", 5));
  }

  @AfterAll
  void stop() throws Exception {
    if (node != null) node.close();
  }

  @Test
  void aPreflightFromAnAllowedOriginIsAnsweredAndOthersAreNot() throws Exception {
    Thread.sleep(1100); // a fresh second of the rate limit
    TestNode.Response ok = node.send(HttpRequest.newBuilder(URI.create(node.base + "/jobs"))
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", "https://ui.example.com")
        .header("Access-Control-Request-Method", "PUT").build());
    assertThat(ok.status()).isEqualTo(200);
    var headers = node.sendForHeaders(HttpRequest.newBuilder(URI.create(node.base + "/jobs"))
        .header("Origin", "https://ui.example.com").GET().build());
    assertThat(headers.firstValue("Access-Control-Allow-Origin")).contains("https://ui.example.com");
    TestNode.Response other = node.send(HttpRequest.newBuilder(URI.create(node.base + "/jobs"))
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", "https://evil.example.com")
        .header("Access-Control-Request-Method", "PUT").build());
    assertThat(other.status()).isEqualTo(400);
  }

  @Test
  void beyondTheLimitAClientGets429AndThenRecovers() throws Exception {
    Thread.sleep(1100);
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 12; i++) statuses.add(node.get("/health").status());
    assertThat(statuses).contains(200).contains(429);
    assertThat(statuses.subList(0, 5)).containsOnly(200);
    TestNode.Response limited = null;
    for (int i = 0; i < 5 && limited == null; i++) {
      TestNode.Response r = node.get("/jobs");
      if (r.status() == 429) limited = r;
    }
    assertThat(limited).isNotNull();
    assertThat(limited.json().get("message").asText()).isEqualTo("too many requests: at most 5 a second from one address");
    // Served again once the bucket refills (5 a second), without a fixed wait.
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(300))
        .until(() -> node.get("/health").status() == 200);
  }
}
