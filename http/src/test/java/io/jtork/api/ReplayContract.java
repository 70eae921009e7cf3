package io.jtork.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.jtork.store.JobReadModel;
import io.jtork.store.ScheduledJobReadModel;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code jtork replay} on a node whose database holds 1,000 jobs (completed, failed after retries,
 * cancelled; ten names, seven tags) and scheduled jobs (active, paused, deleted): the read models
 * are dropped and rebuilt from the journal while the API keeps answering, and afterwards every
 * page and search of {@code GET /jobs} and {@code GET /scheduled-jobs}, and every row of the
 * read-model tables, is what it was. Rows damaged on purpose before the replay come back as the
 * journal says, so a replay that did nothing would fail here. Subclasses choose the database.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class ReplayContract extends NodePerClass {
  static final int JOBS = 1_000;

  @Test
  @Order(1)
  void aReplayRebuildsTheReadModelsFromTheJournalWhileTheApiAnswers() throws Exception {
    List<String> cancelled = new ArrayList<>();
    for (int i = 0; i < JOBS; i++) {
      String id = node.submit(job(i));
      if (i % 100 == 7) cancelled.add(id);
    }
    for (String id : cancelled) assertThat(node.put("/jobs/" + id + "/cancel").status()).isEqualTo(200);
    List<String> schedules = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      TestNode.Response r = node.post("/scheduled-jobs", "text/yaml", "name: nightly " + i + "\ntags: [s" + i
          + "]\nschedule: {cron: \"0 0 1 1 *\"}\ntasks:\n- name: t\n  run: echo\n");
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      schedules.add(r.json().get("id").asText());
    }
    assertThat(node.put("/scheduled-jobs/" + schedules.get(1) + "/pause").status()).isEqualTo(200);
    assertThat(node.delete("/scheduled-jobs/" + schedules.get(2)).status()).isEqualTo(200);
    Awaitility.await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(500)).until(() ->
        node.get("/jobs?size=1").json().get("totalItems").asInt() == JOBS
            && count("pending") + count("scheduled") + count("running") == 0
            && node.get("/scheduled-jobs?size=20").json().get("totalItems").asInt() == 3);
    assertThat(count("cancelled")).isEqualTo(cancelled.size());
    assertThat(count("failed")).isPositive();

    Map<String, List<String>> before = snapshot();
    assertThat(before.get("GET /jobs?size=20&page=1")).hasSize(1);
    assertThat(before.get("table tasks")).hasSizeGreaterThan(JOBS);
    // Damage the read model: the replay must rebuild it from the journal, not leave it be.
    try (Connection c = node.node.database().connection(); Statement st = c.createStatement()) {
      st.executeUpdate("UPDATE jobs SET name = 'tampered', state = 'RUNNING' WHERE id IN (SELECT id FROM jobs"
          + " WHERE state = 'COMPLETED' ORDER BY id FETCH FIRST 5 ROWS ONLY)");
      st.executeUpdate("DELETE FROM job_tags WHERE tag = 't3'");
      st.executeUpdate("DELETE FROM tasks WHERE id IN (SELECT id FROM tasks ORDER BY id FETCH FIRST 10 ROWS ONLY)");
      st.executeUpdate("UPDATE scheduled_jobs SET state = 'PAUSED'");
      if (!c.getAutoCommit()) c.commit();
    }
    assertThat(snapshot()).isNotEqualTo(before);

    StringWriter printed = new StringWriter();
    StringWriter errors = new StringWriter();
    CompletableFuture<Integer> cli = CompletableFuture.supplyAsync(() ->
        new picocli.CommandLine(new io.jtork.cli.JtorkCommand()).setOut(new PrintWriter(printed))
            .setErr(new PrintWriter(errors)).execute("replay", "--endpoint", node.base));
    int answered = 0;
    do {
      TestNode.Response r = node.get("/jobs?size=20");
      assertThat(r.status()).as("GET /jobs during the replay").isEqualTo(200);
      assertThat(r.json().get("totalItems").asInt()).as("GET /jobs during the replay").isEqualTo(JOBS);
      answered++;
    } while (!cli.isDone());
    assertThat(cli.get()).as(errors.toString()).isZero();
    assertThat(printed.toString()).containsPattern("replayed [\\d,]+ events \\([\\d,]+ of jobs, [\\d,]+ of scheduled"
        + " jobs\\) in \\d+\\.\\d s: [\\d,]+ events/s");
    JsonNode status = node.get("/admin/replay").json();
    assertThat(status.get("state").asText()).isEqualTo("COMPLETED");
    assertThat(status.get("jobEvents").asLong()).isGreaterThan(JOBS * 8L);
    assertThat(status.get("scheduledJobEvents").asLong()).isEqualTo(4 + 1 + 1);
    System.out.printf("replay of %d events: %d ms; GET /jobs answered %d times meanwhile%n",
        status.get("events").asLong(), status.get("millis").asLong(), answered);

    assertThat(snapshot()).isEqualTo(before);

    // The projections were resumed after the last event replayed: new events land once.
    String after = node.submit(job(JOBS));
    node.awaitState(after, "COMPLETED");
    Awaitility.await().atMost(Duration.ofSeconds(15)).until(() ->
        node.get("/jobs?size=1").json().get("totalItems").asInt() == JOBS + 1);
    assertThat(node.get("/jobs?size=1").json().at("/items/0/id").asText()).isEqualTo(after);
    assertThat(node.put("/scheduled-jobs/" + schedules.get(0) + "/pause").status()).isEqualTo(200);
    Awaitility.await().atMost(Duration.ofSeconds(15)).until(() ->
        node.get("/scheduled-jobs/" + schedules.get(0)).json().get("state").asText().equals("PAUSED")
            && node.get("/scheduled-jobs?q=nightly").body().contains("\"PAUSED\"")
            && node.get("/scheduled-jobs?size=20").json().get("items").findValuesAsText("state").stream()
                .filter("PAUSED"::equals).count() == 2);
  }

  @Test
  @Order(2)
  void aSecondReplayWhileOneRunsIsRefusedAndChangesNothing() throws Exception {
    // After the other test (the journal holds some 12,000 events, a second's replay); alone, 50 jobs'.
    for (int i = 0; i < 50; i++) node.submit(job(i));
    Awaitility.await().atMost(Duration.ofMinutes(1)).until(() -> count("completed") + count("failed") >= 50);
    TestNode.Response first = node.post("/admin/replay", null, "");
    assertThat(first.status()).as(first.body()).isEqualTo(202);
    assertThat(first.json().get("state").asText()).isEqualTo("RUNNING");
    TestNode.Response second = node.post("/admin/replay", null, "");
    assertThat(second.status()).isEqualTo(409);
    assertThat(second.json().get("message").asText()).startsWith("a replay is already running on this node (started at ")
        .endsWith("); GET /admin/replay follows it");
    Awaitility.await().atMost(Duration.ofMinutes(1)).until(() ->
        !node.get("/admin/replay").json().get("state").asText().equals("RUNNING"));
    assertThat(node.get("/admin/replay").json().get("state").asText()).isEqualTo("COMPLETED");
  }

  /** Job {@code i}: one of ten names and seven tags; every 13th fails (after a retry, every 26th). */
  private static String job(int i) {
    boolean fails = i % 13 == 0;
    return "name: batch-" + (i % 10) + " number " + i + "\n"
        + "description: replay test job\n"
        + "tags: [t" + (i % 7) + ", all]\n"
        + "inputs: {n: \"" + i + "\"}\n"
        + "output: \"{{ tasks.out }}\"\n"
        + "tasks:\n"
        + "- name: work\n"
        + "  var: out\n"
        + (fails && i % 2 == 0 ? "  retry: {limit: 1}\n" : "")
        + (i % 100 == 7 ? "  run: sleep 60\n" : fails ? "  run: exit 3\n" : "  run: echo -n " + i + " > $TORK_OUTPUT\n")
        + "- name: after\n"
        + "  run: echo done\n";
  }

  private int count(String state) {
    return node.get("/jobs?size=1&q=" + state).json().get("totalItems").asInt();
  }

  /** Every page of the lists and searches, and every row of the read-model tables, in order. */
  private Map<String, List<String>> snapshot() throws Exception {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (String q : List.of("", "batch-3", "tag:t2", "tags:t1,all", "failed", "completed", "cancelled",
        "batch-4 completed", "number 77", "nothing-matches")) {
      for (int page = 1; ; page++) {
        String path = "/jobs?size=20&page=" + page + (q.isEmpty() ? "" : "&q=" + q.replace(" ", "+"));
        TestNode.Response r = node.get(path);
        assertThat(r.status()).as(path).isEqualTo(200);
        out.put("GET " + path, List.of(r.body()));
        if (page >= r.json().get("totalPages").asInt()) break;
      }
    }
    for (String q : List.of("", "nightly", "tag:s3")) {
      String path = "/scheduled-jobs?size=20" + (q.isEmpty() ? "" : "&q=" + q);
      out.put("GET " + path, List.of(node.get(path).body()));
    }
    List<String> tables = new ArrayList<>(JobReadModel.TABLES);
    tables.addAll(ScheduledJobReadModel.TABLES);
    try (Connection c = node.node.database().connection(); Statement st = c.createStatement()) {
      for (String table : tables) {
        List<String> rows = new ArrayList<>();
        try (ResultSet rs = st.executeQuery("SELECT * FROM " + table)) {
          int columns = rs.getMetaData().getColumnCount();
          while (rs.next()) {
            StringBuilder row = new StringBuilder();
            for (int i = 1; i <= columns; i++) {
              // seq_nr says which event a row was last written for, by the API or the projection:
              // bookkeeping, which a rebuild need not reproduce.
              if (rs.getMetaData().getColumnName(i).equalsIgnoreCase("seq_nr")) continue;
              row.append(rs.getMetaData().getColumnName(i)).append('=').append(rs.getString(i)).append(' ');
            }
            rows.add(row.toString());
          }
        }
        rows.sort(null);
        out.put("table " + table, rows);
      }
    }
    return out;
  }
}
