package io.jtork.multijvm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two coordinators and two workers, each in its own JVM, on PostgreSQL: 100 jobs of three 1 s
 * tasks, and a node killed with SIGKILL mid-run. Runs are counted through a file each task
 * appends to when it starts. A run lost with its worker is redelivered as the same execution
 * (the default {@code jtork.task.worker-lost-counts-as-retry = false}).
 */
class ClusterFailoverTest {
  @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS) Path dir;

  private static final Map<String, String> ENV = Map.of("JTORK_WORKER_QUEUES", "default:10");

  @Test
  void killingAWorkerRetriesExactlyItsRunningTasksOnce() throws Exception {
    try (LocalCluster cluster = LocalCluster.onTestPostgres(dir, ENV).start(2, 2)) {
      // No retry: a run lost with its worker is redelivered (the default), so no job fails for it.
      Workload w = Workload.withoutRetry(dir.resolve("runs"));
      w.submit(cluster::api, 100, 1);
      String victim = cluster.workerId("w1");
      // Mid-run: the victim is busy and some work is done.
      Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
          .until(() -> w.runsSoFar() >= 60 && taskCount(cluster, victim) >= 5);
      cluster.kill("w1");

      w.awaitAllCompleted(cluster::api, Duration.ofSeconds(240));
      w.assertEveryTaskCompleted();
      Map<String, Integer> runs = w.runCounts();
      int lost = 0;
      for (var e : w.finished().entrySet()) {
        String name = w.jobs.get(e.getKey());
        List<JsonNode> lostRuns = null;
        for (int p = 1; p <= 3; p++) {
          String task = name + "/t" + p;
          List<JsonNode> executions = Workload.executions(e.getValue(), p);
          assertThat(executions).as(task + ": one execution, no failed attempt: " + e.getValue()).hasSize(1);
          JsonNode ex = executions.get(0);
          int redelivered = ex.path("redelivered").asInt(0);
          if (redelivered == 0) {
            assertThat(runs.get(task)).as(task + " ran once").isEqualTo(1);
            continue;
          }
          lost++;
          assertThat(redelivered).as(task + ": redelivered once, no more: " + ex).isEqualTo(1);
          // Started on the dead worker (maybe killed before its first line) and once more elsewhere.
          assertThat(runs.get(task)).as(task + " runs").isBetween(1, 2);
          assertThat(ex.get("nodeId").asText()).as(task + " completed elsewhere").isNotEqualTo(victim);
          // The history names the node the run was lost with, also when it died between the hand-over and
          // its "started".
          if (lostRuns == null) lostRuns = lostRuns(cluster.api(), e.getKey());
          assertThat(lostRuns).as(task + ": its lost run in the history").filteredOn(r -> r.get("taskId").asText()
              .equals(ex.get("id").asText())).singleElement().satisfies(r -> {
                assertThat(r.get("run").asInt()).isEqualTo(1);
                assertThat(r.get("reason").asText()).as(task + " ran on the killed worker")
                    .startsWith("worker lost: node " + victim + " left the cluster");
              });
        }
      }
      assertThat(lost).as("tasks that were running on the killed worker").isGreaterThanOrEqualTo(5);
    }
  }

  @Test
  void killingTheCoordinatorWithTheMostShardsRunsNoTaskTwice() throws Exception {
    try (LocalCluster cluster = LocalCluster.onTestPostgres(dir, ENV).start(2, 2)) {
      Workload w = new Workload(dir.resolve("runs"));
      w.submit(cluster::api, 100, 1);
      Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(
          () -> w.runsSoFar() >= 60);
      String victim = cluster.coordinatorWithMostJobShards();
      cluster.kill(victim);

      w.awaitAllCompleted(cluster::api, Duration.ofSeconds(240));
      w.assertEveryTaskCompleted();
      Map<String, Integer> runs = w.runCounts();
      for (var e : w.finished().entrySet()) {
        assertThat(e.getValue().get("execution")).as("no retry: " + e.getValue()).hasSize(3).allSatisfy(ex ->
            assertThat(ex.path("redelivered").asInt(0)).as("no redelivery: " + ex).isZero());
      }
      assertThat(runs).as("every task started exactly once").hasSize(300).allSatisfy((task, n) ->
          assertThat(n).as(task).isEqualTo(1));
    }
  }

  @Test
  void aWorkerCutOffFromTheClusterKillsItsTaskWhenItFindsItWasDowned() throws Exception {
    try (LocalCluster cluster = LocalCluster.onTestPostgres(dir, Map.of()).start(1, 2)) {
      java.nio.file.Path shared = TaskSharedDir.in(dir);
      java.nio.file.Path pid = shared.resolve("pid");
      java.nio.file.Path marker = shared.resolve("started-once");
      String id = cluster.api().postYaml("""
          name: fenced
          tasks:
          - name: long
            run: |
              if [ -f %2$s ]; then echo -n again > $TORK_OUTPUT; exit 0; fi
              touch %2$s
              echo $$ > %1$s
              sleep 300
          """.formatted(pid, marker)).get("id").asText();
      Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> java.nio.file.Files.exists(pid)
          && !java.nio.file.Files.readString(pid).isBlank());
      long taskPid = Long.parseLong(java.nio.file.Files.readString(pid).trim());
      // The start (and its node) is journaled once the task has run jtork.task.start-report-delay (100 ms).
      String ranOn = Awaitility.await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
          .until(() -> cluster.api().get("/jobs/" + id).at("/execution/0/nodeId").asText(), n -> !n.isEmpty());
      String victim = ranOn.equals(cluster.workerId("w1")) ? "w1" : "w2";

      // Frozen, the worker misses its heartbeats: the majority downs it and redelivers the task elsewhere.
      cluster.node(victim).signal("STOP");
      String victimId = cluster.workerId(victim);
      JsonNode done;
      try {
        // Until it is removed, the frozen worker is listed as it was last seen, OFFLINE.
        Awaitility.await().atMost(Duration.ofSeconds(8)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
            .until(() -> {
              for (JsonNode n : cluster.api().get("/nodes")) {
                if (n.get("id").asText().equals(victimId)) return n.get("status").asText().equals("OFFLINE");
              }
              return false;
            });
        done = awaitCompleted(cluster, id);
      } finally {
        cluster.node(victim).signal("CONT");
      }
      // The same execution, redelivered (the task has no retry), completed on the other worker.
      assertThat(done.get("execution")).as(done.toString()).singleElement().satisfies(ex -> {
        assertThat(ex.path("result").asText()).isEqualTo("again");
        assertThat(ex.path("redelivered").asInt(0)).isEqualTo(1);
        assertThat(ex.path("nodeId").asText()).isNotEqualTo(victimId);
      });
      assertThat(lostRuns(cluster.api(), id)).singleElement().satisfies(r ->
          assertThat(r.get("reason").asText()).startsWith("worker lost: node " + victimId + " left the cluster"));
      assertThat(ProcessHandle.of(taskPid)).as("the cut-off worker's task still runs while it is frozen").isPresent();
      // Thawed, it learns it was downed: it kills its task and exits for its supervisor to restart it.
      Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> ProcessHandle.of(taskPid).isEmpty());
      assertThat(cluster.node(victim).awaitExit(Duration.ofSeconds(60))).isEqualTo(3);
    }
  }

  private static JsonNode awaitCompleted(LocalCluster cluster, String id) {
    JsonNode[] job = new JsonNode[1];
    Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
        .until(() -> {
          job[0] = cluster.api().get("/jobs/" + id);
          return job[0].get("state").asText().equals("COMPLETED");
        });
    return job[0];
  }

  /** The data of a job's {@code TaskRunLost} events. */
  private static List<JsonNode> lostRuns(ForkedNode api, String jobId) throws Exception {
    List<JsonNode> out = new java.util.ArrayList<>();
    api.get("/jobs/" + jobId + "/events?size=1000").get("items").forEach(ev -> {
      if (ev.get("type").asText().equals("TaskRunLost")) out.add(ev.get("data"));
    });
    return out;
  }

  private static int taskCount(LocalCluster cluster, String workerId) throws Exception {
    for (JsonNode n : cluster.api().get("/nodes")) {
      if (n.get("id").asText().equals(workerId)) return n.get("taskCount").asInt();
    }
    return 0;
  }
}
