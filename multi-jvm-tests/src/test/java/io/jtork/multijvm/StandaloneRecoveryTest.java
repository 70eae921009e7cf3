package io.jtork.multijvm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A standalone node killed with SIGKILL mid-job loses nothing when it starts again on its data. */
class StandaloneRecoveryTest {
  @TempDir Path dir;

  private static JsonNode awaitJob(ForkedNode node, String id, Duration timeout,
      java.util.function.Predicate<JsonNode> condition) {
    AtomicReference<JsonNode> last = new AtomicReference<>();
    Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(() -> {
      last.set(node.get("/jobs/" + id));
      return condition.test(last.get());
    });
    return last.get();
  }

  @Test
  void aJobWhoseNodeIsKilledMidTaskCompletesAfterTheRestart() throws Exception {
    Path data = dir.resolve("data");
    int port = ForkedNode.freePort();
    String id;
    try (ForkedNode first = ForkedNode.standalone(data, port)) {
      id = first.postYaml("""
          name: survives a crash
          tasks:
          - name: quick
            var: first
            run: echo -n one > $TORK_OUTPUT
          - name: slow
            var: second
            retry:
              limit: 1
            run: |
              sleep 5
              echo -n two > $TORK_OUTPUT
          """).get("id").asText();
      awaitJob(first, id, Duration.ofSeconds(30), j -> j.at("/execution/1/state").asText().equals("RUNNING"));
      first.kill();
    }

    try (ForkedNode second = ForkedNode.standalone(data, port)) {
      JsonNode job = awaitJob(second, id, Duration.ofSeconds(60),
          j -> List.of("COMPLETED", "FAILED").contains(j.path("state").asText()));
      assertThat(job.get("state").asText()).as(job.toString()).isEqualTo("COMPLETED");
      assertThat(job.at("/context/tasks/first").asText()).isEqualTo("one");
      assertThat(job.at("/context/tasks/second").asText()).isEqualTo("two");
      // The run lost with the node counts as a failed attempt ("worker lost"); the retry completes it.
      assertThat(job.get("execution")).as(job.toString()).hasSize(3);
      assertThat(job.at("/execution/1/state").asText()).isEqualTo("FAILED");
      assertThat(job.at("/execution/1/error").asText()).startsWith("worker lost: ");
      assertThat(job.at("/execution/2/state").asText()).isEqualTo("COMPLETED");

      List<String> history = new ArrayList<>();
      second.get("/jobs/" + id + "/events").get("items").forEach(e -> history.add(e.get("type").asText()
          + (e.at("/data/error").isMissingNode() ? "" : ": " + e.at("/data/error").asText())));
      assertThat(history).filteredOn(h -> h.startsWith("TaskFailed")).singleElement().asString()
          .startsWith("TaskFailed: worker lost");
      assertThat(history.subList(history.indexOf(history.stream().filter(h -> h.startsWith("TaskFailed"))
          .findFirst().orElseThrow()), history.size()))
          .containsSubsequence("TaskCreated", "TaskStarted", "TaskCompleted", "JobAdvanced", "JobCompleted");
    }
  }

  @Test
  void processesOrphanedByAKilledNodeAreKilledWhenItRestarts() throws Exception {
    Path data = dir.resolve("data");
    Path pids = dir.resolve("pids");
    Path ranBefore = dir.resolve("ran-before");
    int port = ForkedNode.freePort();
    String id;
    try (ForkedNode first = ForkedNode.standalone(data, port)) {
      id = first.postYaml("""
          name: leaves an orphan
          tasks:
          - name: long
            retry:
              limit: 1
            run: |
              echo $$ >> %s
              if [ -f %s ]; then exit 0; fi
              touch %s
              sleep 600
          """.formatted(pids, ranBefore, ranBefore)).get("id").asText();
      awaitJob(first, id, Duration.ofSeconds(30), j -> j.at("/execution/0/state").asText().equals("RUNNING"));
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(ranBefore));
      first.kill();
    }
    long orphan = Long.parseLong(Files.readAllLines(pids).get(0).trim());
    assertThat(ProcessHandle.of(orphan)).as("the killed node's task outlives it").isPresent();

    try (ForkedNode second = ForkedNode.standalone(data, port)) {
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.of(orphan).isEmpty());
      JsonNode job = awaitJob(second, id, Duration.ofSeconds(60),
          j -> List.of("COMPLETED", "FAILED").contains(j.path("state").asText()));
      assertThat(job.get("state").asText()).isEqualTo("COMPLETED");
    }
  }
}
