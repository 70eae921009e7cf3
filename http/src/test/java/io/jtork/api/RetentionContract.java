package io.jtork.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * autoDelete and the retention of logs, on a node that sweeps every 300 ms and keeps logs 3 s.
 * Subclasses choose the database.
 */
abstract class RetentionContract extends NodePerClass {
  static final Map<String, Object> SETTINGS = Map.of("jtork.retention.sweep-interval", "300ms",
      "jtork.retention.logs", "3s");

  @Test
  void aCompletedJobWithAutoDeleteIsGoneFromGetListLogsAndTasks() {
    String id = node.submit("""
        name: short-lived
        autoDelete: {after: 1s}
        tasks:
        - name: t
          run: echo bye
        """);
    JsonNode done = node.awaitState(id, "COMPLETED");
    String taskId = done.at("/execution/0/id").asText();
    Instant deleteAt = Instant.parse(done.get("deleteAt").asText());
    assertThat(Duration.between(Instant.parse(done.get("completedAt").asText()), deleteAt)).isEqualTo(Duration.ofSeconds(1));
    Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> node.get("/jobs/" + id).status() == 404);
    assertThat(node.get("/jobs/" + id).json().get("message").asText()).isEqualTo("job not found");
    assertThat(Instant.now()).isAfterOrEqualTo(deleteAt);
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !node.get("/jobs?q=short-lived").body().contains(id));
    assertThat(node.get("/jobs/" + id + "/log").status()).isEqualTo(404);
    assertThat(node.get("/tasks/" + taskId).status()).isEqualTo(404);
    assertThat(node.put("/jobs/" + id + "/restart").status()).isEqualTo(404);
    // The journal stays, for audit, and says why the job went.
    JsonNode events = node.get("/jobs/" + id + "/events").json().get("items");
    JsonNode last = events.get(events.size() - 1);
    assertThat(last.get("type").asText()).isEqualTo("JobDeleted");
    assertThat(last.at("/data/reason").asText()).isEqualTo("autoDelete");
  }

  @Test
  void aFailedJobIsNotAutoDeleted() throws Exception {
    String id = node.submit("""
        name: failed-stays
        autoDelete: {after: 1s}
        tasks:
        - name: t
          run: exit 3
        """);
    JsonNode failed = node.awaitState(id, "FAILED", "COMPLETED");
    assertThat(failed.get("state").asText()).isEqualTo("FAILED");
    assertThat(failed.has("deleteAt")).isFalse();
    Awaitility.await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6))
        .until(() -> node.get("/jobs/" + id).status() == 200);
    assertThat(node.get("/jobs/" + id).status()).isEqualTo(200);
    assertThat(node.get("/jobs?q=failed-stays").body()).contains(id);
  }

  @Test
  void logPartsOlderThanTheRetentionAreDeletedTheJobStays() {
    String id = node.submit("""
        name: chatty
        tasks:
        - name: t
          run: echo some output
        """);
    node.awaitState(id, "COMPLETED");
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
        node.get("/jobs/" + id + "/log").body().contains("some output"));
    Awaitility.await().atMost(Duration.ofSeconds(15)).until(() ->
        node.get("/jobs/" + id + "/log").json().get("items").isEmpty());
    assertThat(node.get("/jobs/" + id).status()).isEqualTo(200);
  }
}
