package io.jtork.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Read your writes: once the API has answered a change, the very next list shows it. Each action
 * is followed at once, with no wait of any kind, by the list that must show it; a hundred times in
 * a row, so that a read model that merely tends to be quick fails. Subclasses choose the database.
 */
abstract class ReadYourWritesContract extends NodePerClass {
  private static final int ROUNDS = 100;

  @Test
  void submitCancelAndRestartShowInTheNextListAndMetrics() {
    String run = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    List<String> failures = new ArrayList<>();
    for (int i = 0; i < ROUNDS; i++) {
      String name = "ryw" + run + "n" + i;
      String id = node.submit("name: " + name + "\ntasks:\n- name: waits\n  run: sleep 30\n");
      expect(failures, i, "submit", listed(name), List.of("PENDING", "SCHEDULED", "RUNNING"), id);

      assertThat(node.put("/jobs/" + id + "/cancel").status()).isEqualTo(200);
      expect(failures, i, "cancel", listed(name), List.of("CANCELLED"), id);
      int running = node.get("/metrics").json().at("/jobs/running").asInt();
      if (running != 0) failures.add("round " + i + ": /metrics after cancel: " + running + " running job(s)");

      assertThat(node.put("/jobs/" + id + "/restart").status()).isEqualTo(200);
      expect(failures, i, "restart", listed(name), List.of("SCHEDULED", "RUNNING"), id);
      // A restarted job is RUNNING at once (Tork's state for it), so /metrics counts it.
      running = node.get("/metrics").json().at("/jobs/running").asInt();
      if (running != 1) failures.add("round " + i + ": /metrics after restart: " + running + " running job(s)");

      assertThat(node.put("/jobs/" + id + "/cancel").status()).isEqualTo(200);
      expect(failures, i, "second cancel", listed(name), List.of("CANCELLED"), id);
    }
    assertThat(failures).as("lists that did not show the change just answered").isEmpty();
  }

  @Test
  void createPauseResumeAndDeleteShowInTheNextScheduledJobsList() {
    String run = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    List<String> failures = new ArrayList<>();
    for (int i = 0; i < ROUNDS; i++) {
      TestNode.Response created = node.post("/scheduled-jobs", "text/yaml", "name: rywsched" + run + "n" + i
          + "\nschedule: {cron: \"0 0 1 1 *\"}\ntasks:\n- name: t\n  run: echo\n");
      assertThat(created.status()).as(created.body()).isEqualTo(200);
      String id = created.json().get("id").asText();
      expectScheduled(failures, i, "create", id, "ACTIVE");
      assertThat(node.put("/scheduled-jobs/" + id + "/pause").status()).isEqualTo(200);
      expectScheduled(failures, i, "pause", id, "PAUSED");
      assertThat(node.put("/scheduled-jobs/" + id + "/resume").status()).isEqualTo(200);
      expectScheduled(failures, i, "resume", id, "ACTIVE");
      assertThat(node.delete("/scheduled-jobs/" + id).status()).isEqualTo(200);
      expectScheduled(failures, i, "delete", id, null);
    }
    assertThat(failures).as("lists that did not show the change just answered").isEmpty();
  }

  /** The jobs {@code GET /jobs?q=name} lists. */
  private JsonNode listed(String name) {
    TestNode.Response r = node.get("/jobs?q=" + name);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json().get("items");
  }

  private static void expect(List<String> failures, int round, String action, JsonNode items, List<String> states,
      String id) {
    if (items.size() != 1 || !items.get(0).get("id").asText().equals(id)
        || !states.contains(items.get(0).get("state").asText())) {
      failures.add("round " + round + ": the list after " + action + " of " + id + " (expected one of " + states
          + "): " + items);
    }
  }

  /** {@code GET /scheduled-jobs} shows scheduled job {@code id} in {@code state}, or not at all when null. */
  private void expectScheduled(List<String> failures, int round, String action, String id, String state) {
    TestNode.Response r = node.get("/scheduled-jobs?size=100");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    String shown = null;
    for (JsonNode item : r.json().get("items")) {
      if (item.get("id").asText().equals(id)) shown = item.get("state").asText();
    }
    if (state == null ? shown != null : !state.equals(shown)) {
      failures.add("round " + round + ": the list after " + action + " of " + id + " shows " + shown + ", not "
          + state);
    }
  }
}
