package io.jtork.multijvm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster of forked JVMs through a rolling restart, the loss of the node hosting a schedule,
 * and a PostgreSQL outage.
 */
class ClusterOperationsTest {
  @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir;

  @Test
  void aRollingRestartOfEveryNodeCompletesEveryJob() throws Exception {
    try (LocalCluster cluster = LocalCluster.onTestPostgres(dir, Map.of("JTORK_WORKER_QUEUES", "default:4"))
        .start(2, 2)) {
      Workload w = new Workload(dir.resolve("runs"));
      w.submit(cluster::api, 200, 1);
      for (String node : List.of("w1", "w2", "c1", "c2")) {
        cluster.restart(node);
        cluster.awaitWorkers(2);
      }
      assertThat(w.runsSoFar()).as("the jobs were still running when the last node was restarted")
          .isLessThan(600);
      w.awaitAllCompleted(cluster::api, Duration.ofSeconds(300));
      w.assertEveryTaskCompleted();
    }
  }

  @Test
  void anIdempotencyKeyAndAnAnsweredChangeHoldOnEveryCoordinator() throws Exception {
    try (LocalCluster cluster = LocalCluster.onTestPostgres(dir, Map.of()).start(2, 1)) {
      ForkedNode c1 = cluster.node("c1");
      ForkedNode c2 = cluster.node("c2");
      Duration t = Duration.ofSeconds(15);
      for (int i = 0; i < 20; i++) {
        String name = "everywhere-" + i;
        String yaml = "name: " + name + "\ntasks:\n- name: waits\n  run: sleep 20\n";
        Map<String, String> key = Map.of("Idempotency-Key", "cluster-key-" + i);
        ForkedNode.Answer first = c1.send("POST", "/jobs", yaml, t, key);
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        String id = io.jtork.json.Json.json().readTree(first.body()).get("id").asText();
        // The same submission on the other coordinator: the same job, nothing new.
        ForkedNode.Answer again = c2.send("POST", "/jobs", yaml, t, key);
        assertThat(again.status()).as(again.body()).isEqualTo(200);
        assertThat(io.jtork.json.Json.json().readTree(again.body()).get("id").asText()).isEqualTo(id);
        ForkedNode.Answer other = c2.send("POST", "/jobs", yaml.replace("sleep 20", "sleep 21"), t, key);
        assertThat(other.status()).as(other.body()).isEqualTo(409);
        // What one coordinator answered, the other lists at once.
        JsonNode listed = c2.get("/jobs?q=" + name).get("items");
        assertThat(listed).as("round " + i).hasSize(1);
        assertThat(listed.get(0).get("id").asText()).isEqualTo(id);
        assertThat(c2.send("PUT", "/jobs/" + id + "/cancel", null, t).status()).isEqualTo(200);
        assertThat(c1.get("/jobs?q=" + name).at("/items/0/state").asText()).as("round " + i).isEqualTo("CANCELLED");
      }
    }
  }

  @Test
  void aScheduleFiresOnceForEveryInstantWhileItsHostIsKilled() throws Exception {
    try (LocalCluster cluster = LocalCluster.onTestPostgres(dir, Map.of()).start(2, 1)) {
      String id = cluster.api().postYaml("/scheduled-jobs", """
          name: failover-tick
          schedule: {cron: "*/2 * * * * *", catchUp: all}
          tasks:
          - name: tick
            run: echo -n tick > $TORK_OUTPUT
          """).get("id").asText();
      Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
          .until(() -> fires(cluster.api(), id).size() >= 3);
      String host = cluster.coordinatorHostingSchedules();
      cluster.kill(host);
      Instant killedAt = Instant.now();
      Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
          .until(() -> fires(cluster.api(), id).stream().filter(f -> f.isAfter(killedAt.plusSeconds(20))).count() >= 3);
      assertThat(cluster.api().send("PUT", "/scheduled-jobs/" + id + "/pause", null, Duration.ofSeconds(15)).status())
          .isEqualTo(200);

      List<Instant> fired = fires(cluster.api(), id);
      assertThat(fired).doesNotHaveDuplicates().isSorted();
      for (int i = 1; i < fired.size(); i++) {
        assertThat(Duration.between(fired.get(i - 1), fired.get(i))).as("no instant skipped: " + fired)
            .isEqualTo(Duration.ofSeconds(2));
      }
      assertThat(fired.stream().filter(f -> f.isAfter(killedAt) && f.isBefore(killedAt.plusSeconds(10))))
          .as("instants that came while the host was being downed").hasSizeGreaterThanOrEqualTo(4);
      // Exactly one job per instant, each the one its fire names.
      Awaitility.await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() ->
          cluster.api().get("/jobs?q=failover-tick&size=1").get("totalItems").asInt() >= fired.size());
      assertThat(cluster.api().get("/jobs?q=failover-tick&size=1").get("totalItems").asInt()).isEqualTo(fired.size());
      for (JsonNode e : cluster.api().get("/scheduled-jobs/" + id + "/events").get("items")) {
        if (!e.get("type").asText().equals("ScheduledJobFired")) continue;
        JsonNode job = cluster.api().get("/jobs/" + e.at("/data/jobId").asText());
        assertThat(job.at("/schedule/fireTime").asText()).isEqualTo(e.at("/data/fireTime").asText());
      }
    }
  }

  @Test
  void aDatabaseOutageGets503sAndEveryAcceptedJobCompletesAfterIt() throws Exception {
    try (PrivatePostgres pg = PrivatePostgres.start();
        LocalCluster cluster = LocalCluster.on(dir, pg.url(), Map.of("JTORK_WORKER_QUEUES", "default:10"))
            .start(1, 1)) {
      Workload w = new Workload(dir.resolve("runs"));
      w.submit(cluster::api, 30, 1);
      Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
          .until(() -> w.runsSoFar() >= 20);
      pg.down();
      Instant down = Instant.now();
      record Call(String what, Instant at, int status, Duration took) {}
      List<Call> calls = new ArrayList<>();
      String someJob = w.jobs.keySet().iterator().next();
      while (Duration.between(down, Instant.now()).toSeconds() < 10) {
        for (String[] req : List.of(new String[] {"POST", "/jobs"}, new String[] {"GET", "/jobs"},
            new String[] {"GET", "/jobs/" + someJob}, new String[] {"GET", "/jobs/" + someJob + "/log"})) {
          Instant t = Instant.now();
          int status = cluster.api().send(req[0], req[1], req[0].equals("POST")
              ? Workload.job("during-outage", w.runs, 1) : null, Duration.ofSeconds(30)).status();
          calls.add(new Call(req[0] + " " + req[1], t, status, Duration.between(t, Instant.now())));
        }
        Thread.sleep(500); // a client's pace, not a wait for a condition
      }
      pg.up();

      assertThat(calls).as("answers while the database was down").allSatisfy(c -> {
        assertThat(c.took()).as(c.toString()).isLessThan(Duration.ofSeconds(12));
        if (c.at().isAfter(down.plusSeconds(3))) assertThat(c.status()).as(c.toString()).isEqualTo(503);
        else assertThat(c.status()).as(c.toString()).isIn(200, 503);
      });
      assertThat(calls).filteredOn(c -> c.what().startsWith("POST")).extracting(Call::status).containsOnly(503);

      w.awaitAllCompleted(cluster::api, Duration.ofSeconds(180));
      w.assertEveryTaskCompleted();
      // And the cluster takes new work again.
      Workload after = new Workload(dir.resolve("runs-after"));
      Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
          .until(() -> {
            after.submit(cluster::api, 1, 0.1);
            return true;
          });
      after.awaitAllCompleted(cluster::api, Duration.ofSeconds(60));
    }
  }

  private static List<Instant> fires(ForkedNode api, String id) throws Exception {
    List<Instant> out = new ArrayList<>();
    for (JsonNode e : api.get("/scheduled-jobs/" + id + "/events").get("items")) {
      if (e.get("type").asText().equals("ScheduledJobFired")) out.add(Instant.parse(e.at("/data/fireTime").asText()));
    }
    return out;
  }
}
