package io.jtork.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** One worker slot, kept busy: the tasks queued behind it start by priority, then first come first served. */
class QueuePriorityTest {

  @Test
  void queuedTasksStartInPriorityOrderThenFifo() throws Exception {
    try (TestNode n = TestNode.h2(Map.of("jtork.worker.queues", "solo:1"))) {
      String blocker = n.submit(job("blocker", 0, "sleep 2"));
      Awaitility.await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() ->
          n.get("/jobs/" + blocker).json().at("/execution/0/state").asText().equals("RUNNING"));
      List<String> ids = new ArrayList<>();
      // submitted in this order while the slot is busy; a submit returns once the job is journaled,
      // so each task is created after the one before (FIFO among equal priorities)
      for (String[] p : new String[][] {{"low", "1"}, {"mid-first", "5"}, {"high", "9"}, {"mid-second", "5"}, {"zero", "0"}}) {
        ids.add(n.submit(job(p[0], Integer.parseInt(p[1]), "true")));
      }
      List<JsonNode> done = new ArrayList<>();
      for (String id : ids) done.add(n.awaitState(id, Duration.ofSeconds(60), "COMPLETED", "FAILED"));
      List<String> order = done.stream()
          .sorted(Comparator.comparing(j -> Instant.parse(j.at("/execution/0/startedAt").asText())))
          .map(j -> j.path("name").asText()).toList();
      assertThat(order).containsExactly("high", "mid-first", "mid-second", "low", "zero");
    }
  }

  private static String job(String name, int priority, String run) {
    return """
        name: %s
        tasks:
        - name: t
          queue: solo
          priority: %d
          run: %s
        """.formatted(name, priority, run);
  }
}
