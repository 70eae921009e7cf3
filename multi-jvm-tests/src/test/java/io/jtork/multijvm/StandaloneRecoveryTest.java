package io.jtork.multijvm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A standalone node killed with SIGKILL mid-job loses nothing when it starts again on its data: by
 * default the run lost with it is redelivered as the same execution; with
 * {@code jtork.task.worker-lost-counts-as-retry = true} it is a failed attempt ("worker lost").
 */
class StandaloneRecoveryTest {
  @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS) Path dir;

  private static JsonNode awaitJob(ForkedNode node, String id, Duration timeout,
      java.util.function.Predicate<JsonNode> condition) {
    AtomicReference<JsonNode> last = new AtomicReference<>();
    try {
      Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(() -> {
        last.set(node.get("/jobs/" + id));
        return condition.test(last.get());
      });
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      // Seen once in a full run: say what the job was, and where the node's log is (the folder is kept).
      throw new AssertionError("job " + id + " as last seen: " + last.get() + "\nnode log: " + node.log, e);
    }
    return last.get();
  }

  /** Three tasks, none with {@code retry}; the second is slow enough to be killed mid-run. */
  private static final String THREE_TASKS = """
      name: survives a crash
      output: "{{ tasks.first }}-{{ tasks.second }}-{{ tasks.third }}"
      tasks:
      - name: quick
        var: first
        run: echo -n one > $TORK_OUTPUT
      - name: slow
        var: second
        run: |
          sleep 5
          echo -n two > $TORK_OUTPUT
      - name: last
        var: third
        run: echo -n three > $TORK_OUTPUT
      """;

  private static final Map<String, String> COUNTING = Map.of("JTORK_TASK_WORKER_LOST_COUNTS_AS_RETRY", "true");

  /**
   * Submits {@link #THREE_TASKS} to a standalone node on {@code data}, kills the node with SIGKILL
   * while the second task runs, and starts it again on the same data; the job once it has ended.
   */
  private JsonNode killDuringTheSecondTaskAndRestart(Map<String, String> env) throws Exception {
    Path data = dir.resolve("data");
    int port = ForkedNode.freePort();
    String id;
    try (ForkedNode first = ForkedNode.standalone(data, port, "shell", env)) {
      id = first.postYaml(THREE_TASKS).get("id").asText();
      awaitJob(first, id, Duration.ofSeconds(30), j -> Workload.executions(j, 2).stream()
          .anyMatch(e -> e.path("state").asText().equals("RUNNING")));
      first.kill();
    }
    restarted = ForkedNode.standalone(data, port, "shell", env);
    return awaitJob(restarted, id, Duration.ofSeconds(60),
        j -> List.of("COMPLETED", "FAILED").contains(j.path("state").asText()));
  }

  private ForkedNode restarted;

  @AfterEach
  void stopRestarted() throws Exception {
    if (restarted != null) restarted.close();
  }

  /** The job's history, each event as its type and, if it has one, its error or reason. */
  private List<String> history(String id) throws Exception {
    List<String> history = new ArrayList<>();
    restarted.get("/jobs/" + id + "/events").get("items").forEach(e -> {
      JsonNode d = e.path("data");
      String detail = d.hasNonNull("error") ? d.get("error").asText() : d.path("reason").asText("");
      history.add(e.get("type").asText() + (detail.isEmpty() ? "" : ": " + detail));
    });
    return history;
  }

  @Test
  void aJobWhoseNodeIsKilledMidTaskCompletesAfterTheRestartWithTheRunRedelivered() throws Exception {
    JsonNode job = killDuringTheSecondTaskAndRestart(Map.of());
    String id = job.get("id").asText();
    assertThat(job.get("state").asText()).as(job.toString()).isEqualTo("COMPLETED");
    assertThat(job.at("/context/tasks/first").asText()).isEqualTo("one");
    assertThat(job.at("/context/tasks/second").asText()).isEqualTo("two");
    assertThat(job.at("/context/tasks/third").asText()).isEqualTo("three");
    assertThat(job.path("result").asText()).isEqualTo("one-two-three");
    // The run lost with the node is redelivered as the same execution; it uses up no retry (there is none).
    assertThat(job.get("execution")).as(job.toString()).hasSize(3).allSatisfy(e ->
        assertThat(e.path("state").asText()).as(e.toString()).isEqualTo("COMPLETED"));
    assertThat(Workload.executions(job, 2)).singleElement().satisfies(e ->
        assertThat(e.path("redelivered").asInt(0)).as(e.toString()).isEqualTo(1));
    for (int p : new int[] {1, 3}) {
      assertThat(Workload.executions(job, p)).singleElement().satisfies(e ->
          assertThat(e.path("redelivered").asInt(0)).as(e.toString()).isZero());
    }

    List<String> history = history(id);
    assertThat(history).as("history").noneMatch(h -> h.startsWith("TaskFailed"));
    assertThat(history).filteredOn(h -> h.startsWith("TaskRunLost")).as("history").singleElement().asString()
        .startsWith("TaskRunLost: worker lost");
    String lost = history.stream().filter(h -> h.startsWith("TaskRunLost")).findFirst().orElseThrow();
    assertThat(history.subList(history.indexOf(lost), history.size()))
        .containsSubsequence("TaskStarted", "TaskCompleted", "JobAdvanced", "TaskCreated", "TaskStarted",
            "TaskCompleted", "JobCompleted");
  }

  @Test
  void withLostRunsCountingAsRetriesAJobWithoutRetryFailsWhenItsNodeIsKilled() throws Exception {
    JsonNode job = killDuringTheSecondTaskAndRestart(COUNTING);
    String id = job.get("id").asText();
    assertThat(job.get("state").asText()).as(job.toString()).isEqualTo("FAILED");
    assertThat(job.path("error").asText()).as(job.toString()).startsWith("worker lost");
    assertThat(job.at("/context/tasks/first").asText()).isEqualTo("one");
    assertThat(Workload.executions(job, 2)).singleElement().satisfies(e -> {
      assertThat(e.path("state").asText()).isEqualTo("FAILED");
      assertThat(e.path("error").asText()).startsWith("worker lost");
      assertThat(e.path("redelivered").asInt(0)).isZero();
    });
    assertThat(Workload.executions(job, 3)).as("the third task never ran").isEmpty();
    assertThat(history(id)).as("history").noneMatch(h -> h.startsWith("TaskRunLost"))
        .filteredOn(h -> h.startsWith("TaskFailed")).singleElement().asString().startsWith("TaskFailed: worker lost");
  }

  @Test
  void processesOrphanedByAKilledNodeAreKilledWhenItRestarts() throws Exception {
    Path data = dir.resolve("data");
    Path shared = TaskSharedDir.in(dir);
    Path pids = TaskSharedDir.file(shared, "pids");
    Path ranBefore = shared.resolve("ran-before");
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
