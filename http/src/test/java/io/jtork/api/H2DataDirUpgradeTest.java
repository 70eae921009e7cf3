package io.jtork.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A data directory that an earlier jtork wrote opens on this one: its jobs, their results and their
 * history read back, new jobs run beside them, and all of it is there again after this node has
 * closed the store and another opens it. It guards migrations, event formats and H2 upgrades.
 *
 * <p>The fixture ({@code h2-2.2.224/jtork.mv.db}, 80 KB) is the file of a node of commit e6fd310 (H2
 * 2.2.224), started as {@code bin/jtork run standalone --runtime shell} on an empty directory, sent
 * the two jobs below ({@code tags: [upgrade]}) and stopped with SIGTERM once both had ended.
 */
class H2DataDirUpgradeTest {
  static final String OK_ID = "01a251d7fda870d09c37295e15f7b722";
  static final String FAILED_ID = "01a251d7ff687805908a8cd57157ab52";
  /** Finished jobs kept forever: the default retention (365 days) would delete the fixture's one day. */
  static final Map<String, Object> KEEP_JOBS = Map.of("jtork.retention.jobs", "");

  @Test
  void anEarlierNodesDataDirectoryOpensWithItsJobsAndTheirHistory() throws Exception {
    Path dir = Files.createTempDirectory("jtork-h2-upgrade-");
    try {
      try (InputStream in = H2DataDirUpgradeTest.class.getResourceAsStream("/h2-2.2.224/jtork.mv.db")) {
        assertThat(in).as("the fixture").isNotNull();
        Files.copy(in, dir.resolve("jtork.mv.db"));
      }
      String id;
      try (TestNode n = TestNode.h2Keeping(dir, KEEP_JOBS)) {
        assertTheEarlierJobs(n, 2);
        // the node goes on: a new job runs and is listed with the old ones
        id = n.submit("""
            name: after the upgrade
            tags: [upgrade]
            tasks:
            - name: runs
              var: out
              run: echo -n "after" > $TORK_OUTPUT
            output: "{{ tasks.out }}"
            """);
        assertThat(n.awaitState(id, "COMPLETED", "FAILED").get("state").asText()).isEqualTo("COMPLETED");
        Awaitility.await().atMost(Duration.ofSeconds(10))
            .until(() -> n.get("/jobs?q=tag:upgrade").json().get("totalItems").asLong() == 3);
      }
      // this node closed the store (compacting as it closes); the next one finds everything
      try (TestNode n = TestNode.h2Keeping(dir, KEEP_JOBS)) {
        assertTheEarlierJobs(n, 3);
        JsonNode after = n.get("/jobs/" + id).json();
        assertThat(after.get("state").asText()).isEqualTo("COMPLETED");
        assertThat(after.get("result").asText()).isEqualTo("after");
      }
    } finally {
      TestNode.deleteTree(dir);
    }
  }

  /** The fixture's two jobs, in the read model, the entities and their history; {@code listed} in all. */
  private static void assertTheEarlierJobs(TestNode n, int listed) {
    JsonNode page = n.get("/jobs?q=tag:upgrade").json();
    assertThat(page.get("totalItems").asLong()).isEqualTo(listed);
    List<String> rows = new ArrayList<>();
    for (JsonNode j : page.get("items")) rows.add(j.get("id").asText() + " " + j.get("state").asText());
    assertThat(rows).endsWith(FAILED_ID + " FAILED", OK_ID + " COMPLETED");

    JsonNode ok = n.get("/jobs/" + OK_ID).json();
    assertThat(ok.get("state").asText()).isEqualTo("COMPLETED");
    assertThat(ok.get("result").asText()).isEqualTo("from h2 2.2");
    JsonNode failed = n.get("/jobs/" + FAILED_ID).json();
    assertThat(failed.get("state").asText()).isEqualTo("FAILED");
    assertThat(failed.get("error").asText()).contains("it failed on h2 2.2");

    List<String> types = new ArrayList<>();
    for (JsonNode e : n.get("/jobs/" + OK_ID + "/events").json().get("items")) types.add(e.get("type").asText());
    assertThat(types).startsWith("JobSubmitted").endsWith("JobCompleted").contains("TaskCompleted");
  }
}
