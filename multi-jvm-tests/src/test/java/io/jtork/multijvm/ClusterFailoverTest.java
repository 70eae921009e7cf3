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
 * appends to when it starts.
 */
class ClusterFailoverTest {
  @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS) Path dir;

  private static final Map<String, String> ENV = Map.of("JTORK_WORKER_QUEUES", "default:10");

  @Test
  void killingAWorkerRetriesExactlyItsRunningTasksOnce() throws Exception {
    try (LocalCluster cluster = LocalCluster.onTestPostgres(dir, ENV).start(2, 2)) {
      Workload w = new Workload(dir.resolve("runs"));
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
        for (int p = 1; p <= 3; p++) {
          List<JsonNode> ex = Workload.executions(e.getValue(), p);
          List<JsonNode> failed = ex.subList(0, ex.size() - 1);
          String task = name + "/t" + p;
          if (failed.isEmpty()) {
            assertThat(runs.get(task)).as(task + " ran once").isEqualTo(1);
            continue;
          }
          lost++;
          assertThat(failed).as(task + ": one worker-lost retry, no other").singleElement().satisfies(f -> {
            assertThat(f.path("error").asText()).as(task + ": " + f).startsWith("worker lost: ");
            // Also when the worker died between the hand-over and its "started": the node is recorded.
            assertThat(f.path("nodeId").asText()).as(task + " ran on the killed worker: " + f).isEqualTo(victim);
          });
          // Started on the dead worker (maybe killed before its first line) and once more elsewhere.
          assertThat(runs.get(task)).as(task + " runs").isBetween(1, 2);
          assertThat(ex.get(1).get("nodeId").asText()).isNotEqualTo(victim);
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
        assertThat(e.getValue().get("execution")).as("no retry: " + e.getValue()).hasSize(3);
      }
      assertThat(runs).as("every task started exactly once").hasSize(300).allSatisfy((task, n) ->
          assertThat(n).as(task).isEqualTo(1));
    }
  }

  @Test
  void aWorkerCutOffFromTheClusterKillsItsTaskWhenItFindsItWasDowned() throws Exception {
    try (LocalCluster cluster = LocalCluster.onTestPostgres(dir, Map.of()).start(1, 2)) {
      java.nio.file.Path pid = dir.resolve("pid");
      java.nio.file.Path marker = dir.resolve("started-once");
      String id = cluster.api().postYaml("""
          name: fenced
          tasks:
          - name: long
            retry:
              limit: 1
            run: |
              if [ -f %2$s ]; then echo -n again > $TORK_OUTPUT; exit 0; fi
              touch %2$s
              echo $$ > %1$s
              sleep 300
          """.formatted(pid, marker)).get("id").asText();
      Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> java.nio.file.Files.exists(pid)
          && !java.nio.file.Files.readString(pid).isBlank());
      long taskPid = Long.parseLong(java.nio.file.Files.readString(pid).trim());
      String ranOn = cluster.api().get("/jobs/" + id).at("/execution/0/nodeId").asText();
      String victim = ranOn.equals(cluster.workerId("w1")) ? "w1" : "w2";

      // Frozen, the worker misses its heartbeats: the majority downs it and retries the task elsewhere.
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
      assertThat(done.at("/execution/0/error").asText()).startsWith("worker lost: ");
      assertThat(done.at("/execution/1/result").asText()).isEqualTo("again");
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

  private static int taskCount(LocalCluster cluster, String workerId) throws Exception {
    for (JsonNode n : cluster.api().get("/nodes")) {
      if (n.get("id").asText().equals(workerId)) return n.get("taskCount").asInt();
    }
    return 0;
  }
}
