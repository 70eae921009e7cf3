package io.jtork.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A job that does not answer in time is a 503 that says so: the job is busy, not the database,
 * which answered its last check. A job is kept from answering for real: another session holds an
 * exclusive lock on PostgreSQL's journal table, so the job's entity cannot recover while
 * {@code SELECT 1} (the database's health check) still answers.
 */
class BusyJobTest {
  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> get(TestNode n, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(n.base + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aJobThatDoesNotAnswerInTimeIsA503SayingTheJobIsBusy() throws Exception {
    try (TestNode n = TestNode.postgres(Map.of("jtork.http.ask-timeout", "2s"))) {
      String id = io.jtork.model.Ids.newId();
      try (Connection lock = DriverManager.getConnection(n.postgresUrl(), TestNode.POSTGRES_USER, "")) {
        lock.setAutoCommit(false);
        lock.createStatement().execute("LOCK TABLE event_journal IN ACCESS EXCLUSIVE MODE");
        HttpResponse<String> r = get(n, "/jobs/" + id);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
        assertThat(io.jtork.json.Json.json().readTree(r.body()).path("message").asText()).isEqualTo("the job did not"
            + " answer within 2s: the job is busy (a large change is being written, or it is still being recovered);"
            + " try again in a moment");
        assertThat(r.headers().firstValue("Retry-After")).contains("1");
        lock.rollback();
      }
      // The lock gone, the same request is answered as usual.
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() -> get(n, "/jobs/" + id).statusCode() == 404);
    }
  }
}
