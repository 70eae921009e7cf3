package io.jtork.multijvm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.jtork.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A standalone node killed with SIGKILL, three times, in the middle of 2,000 submissions, 32 at a time. Each
 * submission carries an {@code Idempotency-Key} and is sent again with the same key after any
 * error (refused connection, reset, timeout, 503) until it is answered, as a careful client does.
 * Afterwards there are exactly 2,000 jobs, one per key, all COMPLETED: none lost, none twice.
 */
class IdempotentSubmitCrashTest {
  private static final int JOBS = 2000;
  private static final int CLIENTS = 32;
  private static final int KILLS = 3;

  @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS) Path dir;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @Test
  void everySubmissionRetriedWithItsKeyAcrossKillsMakesExactlyOneJob() throws Exception {
    Path data = dir.resolve("data");
    int port = ForkedNode.freePort();
    ForkedNode node = ForkedNode.standalone(data, port);
    List<ForkedNode> started = new java.util.ArrayList<>(List.of(node));
    ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
    try {
      Map<Integer, String> ids = new ConcurrentHashMap<>();
      AtomicInteger answered = new AtomicInteger();
      AtomicInteger errors = new AtomicInteger();
      AtomicInteger next = new AtomicInteger();
      List<Future<?>> running = new java.util.ArrayList<>();
      for (int c = 0; c < CLIENTS; c++) {
        running.add(clients.submit(() -> {
          for (int i = next.getAndIncrement(); i < JOBS; i = next.getAndIncrement()) {
            ids.put(i, submitUntilAnswered(port, i, errors));
            answered.incrementAndGet();
          }
          return null;
        }));
      }
      // Killed three times while submissions are in flight: at a quarter, half and three quarters.
      for (int k = 1; k <= KILLS; k++) {
        int at = JOBS * k / (KILLS + 1);
        Awaitility.await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(5))
            .until(() -> answered.get() >= at);
        node.kill();
        int errorsBefore = errors.get();
        node = ForkedNode.standalone(data, port);
        started.add(node);
        System.out.printf("kill %d at %d answered; %d failed sends so far%n", k, at, errorsBefore);
      }
      for (Future<?> f : running) f.get(5, TimeUnit.MINUTES);
      System.out.printf("%d submissions answered after %d failed sends%n", answered.get(), errors.get());
      assertThat(errors.get()).as("submissions that failed and were sent again across the kills").isPositive();

      assertThat(ids).hasSize(JOBS);
      assertThat(new HashSet<>(ids.values())).as("one job per key").hasSize(JOBS);

      ForkedNode last = node;
      // Once every listed job has ended: exactly one per key, each COMPLETED.
      List<JsonNode> listed = new java.util.ArrayList<>();
      try {
        Awaitility.await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
          .until(() -> {
            listed.clear();
            for (int page = 1; ; page++) {
              JsonNode p = last.get("/jobs?size=100&page=" + page);
              p.get("items").forEach(listed::add);
              if (page >= p.get("totalPages").asInt()) break;
            }
            return listed.size() >= JOBS && listed.stream().noneMatch(j ->
                List.of("PENDING", "SCHEDULED", "RUNNING").contains(j.get("state").asText()));
          });
      } catch (org.awaitility.core.ConditionTimeoutException e) {
        StringBuilder b = new StringBuilder(listed.size() + " jobs listed; not ended, as listed and as GET /jobs/{id}:\n");
        listed.stream().filter(j -> List.of("PENDING", "SCHEDULED", "RUNNING").contains(j.get("state").asText()))
            .limit(5).forEach(j -> {
              b.append(j).append('\n');
              try {
                b.append(last.get("/jobs/" + j.get("id").asText())).append('\n');
              } catch (Exception x) {
                b.append(x).append('\n');
              }
            });
        Set<String> listedIds = new HashSet<>();
        listed.forEach(j -> listedIds.add(j.get("id").asText()));
        ids.values().stream().filter(id -> !listedIds.contains(id)).limit(5).forEach(id -> {
          try {
            b.append("not listed: ").append(last.get("/jobs/" + id)).append('\n');
          } catch (Exception x) {
            b.append(x).append('\n');
          }
        });
        throw new AssertionError(b.toString(), e);
      }
      Map<String, Integer> names = new HashMap<>();
      Map<String, String> states = new HashMap<>();
      for (JsonNode j : listed) {
        names.merge(j.get("name").asText(), 1, Integer::sum);
        states.put(j.get("id").asText(), j.get("state").asText());
      }
      assertThat(names).as("jobs per name").allSatisfy((name, n) -> assertThat(n).as(name).isEqualTo(1));
      assertThat(listed).as("jobs listed").hasSize(JOBS);
      assertThat(states.keySet()).containsExactlyInAnyOrderElementsOf(ids.values());
      assertThat(states.values()).as("states").allMatch("COMPLETED"::equals);
      // The list agrees with the entities: each job ran its one task once.
      for (int i = 0; i < JOBS; i += 97) {
        JsonNode job = last.get("/jobs/" + ids.get(i));
        assertThat(job.get("state").asText()).isEqualTo("COMPLETED");
        assertThat(job.get("name").asText()).isEqualTo("submitted-" + i);
      }
    } finally {
      clients.shutdownNow();
      for (ForkedNode n : started) n.close();
    }
  }

  /** Sends submission {@code i} with its key until a 200 comes back; the job's id. */
  private String submitUntilAnswered(int port, int i, AtomicInteger errors) throws InterruptedException {
    String yaml = "name: submitted-" + i + "\ntasks:\n- name: one\n  run: echo -n " + i + " > $TORK_OUTPUT\n";
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/jobs"))
        .timeout(Duration.ofSeconds(15)).header("Content-Type", "text/yaml")
        .header("Idempotency-Key", "crash-test-" + i).POST(HttpRequest.BodyPublishers.ofString(yaml)).build();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
    while (true) {
      try {
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) return Json.json().readTree(r.body()).get("id").asText();
        if (r.statusCode() != 503) throw new AssertionError("submission " + i + ": " + r.statusCode() + " " + r.body());
      } catch (java.io.IOException e) {
        // refused while the node is down, reset by the kill, or timed out: send it again
      }
      errors.incrementAndGet();
      if (System.nanoTime() > deadline) throw new AssertionError("submission " + i + " never answered");
      Thread.sleep(100);
    }
  }
}
