package io.jtork.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.jtork.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A job that does not answer in time is a 503 that says so: the job is busy, not the database,
 * which answered its last check. A job is kept from answering for real: another session holds an
 * exclusive lock on PostgreSQL's journal table, so the job's entity cannot recover while
 * {@code SELECT 1} (the database's health check) still answers. A creation without an
 * {@code Idempotency-Key} that is not answered in time says which id to look up, not to try again:
 * the entity takes it once the lock is gone.
 */
class BusyJobTest {
  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> get(TestNode n, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(n.base + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(TestNode n, String path, String body, String key) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(n.base + path)).header("Content-Type", "text/yaml")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (key != null) b.header("Idempotency-Key", key);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aCreationWithoutAKeyThatIsNotAnsweredInTimeNamesTheIdToLookUpAndIsMadeLater() throws Exception {
    String job = "name: late\ntasks:\n- name: t\n  run: echo hi\n";
    String scheduledJob = "name: late nightly\nschedule: {cron: \"0 0 1 1 *\"}\ntasks:\n- name: t\n  run: echo\n";
    try (TestNode n = TestNode.postgres(Map.of("jtork.http.ask-timeout", "2s"))) {
      HttpResponse<String> plain;
      HttpResponse<String> waiting;
      HttpResponse<String> keyed;
      HttpResponse<String> keyedWaiting;
      HttpResponse<String> scheduled;
      try (Connection lock = DriverManager.getConnection(n.postgresUrl(), TestNode.POSTGRES_USER, "")) {
        lock.setAutoCommit(false);
        lock.createStatement().execute("LOCK TABLE event_journal IN ACCESS EXCLUSIVE MODE");
        plain = post(n, "/jobs", job, null);
        waiting = post(n, "/jobs", "wait: {timeout: 30s}\n" + job, null);
        keyed = post(n, "/jobs", job, "late-1");
        keyedWaiting = post(n, "/jobs", "wait: {timeout: 30s}\n" + job, "late-2");
        scheduled = post(n, "/scheduled-jobs", scheduledJob, null);
        lock.rollback();
      }
      for (HttpResponse<String> r : List.of(plain, waiting, scheduled)) {
        String what = r == scheduled ? "scheduled job" : "job";
        String path = r == scheduled ? "/scheduled-jobs/" : "/jobs/";
        assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
        String id = Json.json().readTree(r.body()).path("id").asText();
        assertThat(id).hasSize(32);
        assertThat(Json.json().readTree(r.body()).path("message").asText()).isEqualTo("the " + what + " " + id
            + " did not answer within 2s: the " + what + " is busy (a large change is being written, or it is still"
            + " being recovered). It may still be created: GET " + path + id + " shows it once it is. Sending it"
            + " again makes another " + what + "; with an Idempotency-Key it would not");
        assertThat(r.headers().firstValue("Retry-After")).isEmpty();
        // It was: the entity took the creation once it could recover.
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> get(n, path + id).statusCode() == 200);
      }
      // With a key, trying again is safe, and the answer says to (with wait too, not a 408): the
      // request sent again gets the one job the key makes.
      for (HttpResponse<String> r : List.of(keyed, keyedWaiting)) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
        assertThat(r.headers().firstValue("Retry-After")).contains("1");
        assertThat(Json.json().readTree(r.body()).path("message").asText()).endsWith("try again in a moment");
      }
      String first = Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> post(n, "/jobs", job, "late-1"),
          again -> again.statusCode() == 200).body();
      String id = Json.json().readTree(first).path("id").asText();
      assertThat(Json.json().readTree(post(n, "/jobs", job, "late-1").body()).path("id").asText()).isEqualTo(id);
    }
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
