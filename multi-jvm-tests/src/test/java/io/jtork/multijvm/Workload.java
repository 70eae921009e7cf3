package io.jtork.multijvm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.awaitility.Awaitility;

/**
 * Jobs of three tasks that each append a line naming themselves to a file when they start, so
 * that runs can be counted from outside, and then sleep. Submitted to a cluster; checked after.
 */
final class Workload {
  final Path runs;
  final Map<String, String> jobs = new LinkedHashMap<>(); // id -> name
  private final Map<String, JsonNode> finished = new HashMap<>();
  private final boolean withRetry;

  /** Jobs whose tasks have {@code retry: limit: 2}. */
  Workload(Path runs) {
    this(runs, true);
  }

  private Workload(Path runs, boolean withRetry) {
    try {
      // tasks running as users of their own append to it
      this.runs = TaskSharedDir.appendable(runs);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    this.withRetry = withRetry;
  }

  /** Jobs whose tasks have no {@code retry}: any failed attempt fails the job. */
  static Workload withoutRetry(Path runs) {
    return new Workload(runs, false);
  }

  static String job(String name, Path runs, double seconds) {
    return job(name, runs, seconds, true);
  }

  static String job(String name, Path runs, double seconds, boolean withRetry) {
    StringBuilder b = new StringBuilder("name: " + name + "\ntasks:\n");
    for (int t = 1; t <= 3; t++) {
      b.append("- name: t").append(t).append("\n");
      if (withRetry) b.append("  retry:\n    limit: 2\n");
      b.append("  run: echo ").append(name).append("/t").append(t).append(" >> ").append(runs).append("; sleep ")
          .append(seconds).append("\n");
    }
    return b.toString();
  }

  void submit(Supplier<ForkedNode> api, int count, double seconds) throws Exception {
    for (int i = 0; i < count; i++) {
      String name = "job-" + jobs.size();
      jobs.put(api.get().postYaml(job(name, runs, seconds, withRetry)).get("id").asText(), name);
    }
  }

  /** Lines written so far. */
  int runsSoFar() throws Exception {
    return Files.exists(runs) ? Files.readAllLines(runs).size() : 0;
  }

  /** Waits until every job is COMPLETED (failing at once if one FAILED); returns the jobs. */
  Map<String, JsonNode> awaitAllCompleted(Supplier<ForkedNode> api, Duration timeout) {
    Set<String> open = new LinkedHashSet<>(jobs.keySet());
    open.removeAll(finished.keySet());
    try {
      awaitCompleted(api, timeout, open);
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      StringBuilder b = new StringBuilder(open.size() + " job(s) not COMPLETED within " + timeout + ", such as:\n");
      for (String id : open.stream().limit(3).toList()) {
        try {
          b.append(api.get().get("/jobs/" + id)).append('\n');
        } catch (Exception x) {
          b.append(id).append(": ").append(x).append('\n');
        }
      }
      throw new AssertionError(b.toString(), e);
    }
    return finished;
  }

  private void awaitCompleted(Supplier<ForkedNode> api, Duration timeout, Set<String> open) {
    Awaitility.await().atMost(timeout).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().until(() -> {
      for (String id : new ArrayList<>(open)) {
        JsonNode j = api.get().get("/jobs/" + id);
        String state = j.path("state").asText();
        if (state.equals("FAILED") || state.equals("CANCELLED")) throw new IllegalStateException("job " + j);
        if (state.equals("COMPLETED")) {
          finished.put(id, j);
          open.remove(id);
        }
      }
      return open.isEmpty();
    });
  }

  /** How often each task ({@code job-N/tK}) started, from the runs file. */
  Map<String, Integer> runCounts() throws Exception {
    Map<String, Integer> counts = new HashMap<>();
    for (String line : Files.readAllLines(runs)) counts.merge(line.trim(), 1, Integer::sum);
    return counts;
  }

  /** A finished job's executions of task {@code position} (1-based). */
  static List<JsonNode> executions(JsonNode job, int position) {
    List<JsonNode> out = new ArrayList<>();
    job.get("execution").forEach(e -> {
      if (e.get("position").asInt() == position) out.add(e);
    });
    return out;
  }

  /** Every task of every job completed in its last execution. */
  void assertEveryTaskCompleted() {
    finished.forEach((id, job) -> {
      for (int p = 1; p <= 3; p++) {
        List<JsonNode> ex = executions(job, p);
        assertThat(ex).as(job.toString()).isNotEmpty();
        assertThat(ex.get(ex.size() - 1).get("state").asText()).as(job.toString()).isEqualTo("COMPLETED");
      }
    });
  }

  Map<String, JsonNode> finished() {
    return finished;
  }
}
