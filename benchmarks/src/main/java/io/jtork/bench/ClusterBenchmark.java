package io.jtork.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * A cluster of forked JVMs on PostgreSQL: one coordinator and one, then two, workers.
 * <ol>
 *   <li>Throughput: {@code --jobs} one-task jobs whose task is {@code sleep --task-seconds} on the
 *   shell runtime, with 1 worker and then with 2 ({@code --slots} each), tasks/s from the first
 *   task's start to the last task's end; the ratio of the two.</li>
 *   <li>Re-dispatch: a long task; its worker is killed with SIGKILL; the time from the kill to
 *   its redelivery being queued (the coordinator has declared the worker lost) and to the
 *   redelivered run starting on the other worker. Repeated
 *   {@code --kills} times, each with a new worker in place of the killed one. Default settings.</li>
 * </ol>
 */
@Command(name = "cluster", mixinStandardHelpOptions = true)
public final class ClusterBenchmark implements Callable<Integer> {
  @Option(names = "--jobs", defaultValue = "400")
  int jobs;

  @Option(names = "--slots", defaultValue = "4")
  int slots;

  @Option(names = "--task-seconds", defaultValue = "0.2")
  double taskSeconds;

  @Option(names = "--kills", defaultValue = "3")
  int kills;

  @Option(names = "--postgres", defaultValue = "jdbc:postgresql://127.0.0.1:5432/")
  String postgres;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final ObjectMapper json = new ObjectMapper();
  private final List<Process> processes = new ArrayList<>();
  /** The live workers by their cluster port, which {@code GET /nodes} reports. */
  private final Map<Integer, Process> workers = new HashMap<>();
  private Path dir;
  private String seed;
  private String base;
  private String dbUrl;

  public static void main(String[] args) {
    System.exit(new CommandLine(new ClusterBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    dir = Files.createTempDirectory("jtork-cluster-bench-");
    String db = "jtork_bench_cluster_" + System.currentTimeMillis();
    try (var c = DriverManager.getConnection(postgres + "postgres", "postgres", "");
        var st = c.createStatement()) {
      st.execute("CREATE DATABASE " + db);
    }
    dbUrl = postgres + db;
    try {
      int clusterPort = BenchNode.freePort();
      int httpPort = BenchNode.freePort();
      seed = "pekko://jtork@127.0.0.1:" + clusterPort;
      base = "http://127.0.0.1:" + httpPort;
      fork("c1", List.of("run", "coordinator", "--port", String.valueOf(httpPort), "--cluster-port",
          String.valueOf(clusterPort), "--seed-nodes", seed, "--datastore", "postgres"));
      awaitHealth();
      worker("w1");
      awaitWorkers(1);
      System.out.printf("cluster: 1 coordinator, workers with %d slots on queue default, PostgreSQL; logs in %s%n",
          slots, dir);
      run(Math.max(20, jobs / 4), "warm-up");
      double one = run(jobs, "1 worker");
      worker("w2");
      awaitWorkers(2);
      double two = run(jobs, "2 workers");
      System.out.printf(Locale.ROOT, "ratio 2 workers / 1 worker: %.2f (target >= 1.7)%n", two / one);

      List<Long> toCreated = new ArrayList<>();
      List<Long> toStarted = new ArrayList<>();
      for (int k = 0; k < kills; k++) {
        long[] r = redispatch(k);
        toCreated.add(r[0]);
        toStarted.add(r[1]);
        System.out.printf("kill %d: redelivery queued %d ms after the SIGKILL, started %d ms after it%n", k + 1,
            r[0], r[1]);
      }
      System.out.printf("re-dispatch after a worker's SIGKILL: redelivery queued %s ms, started %s ms"
          + " (target < 15000)%n",
          toCreated, toStarted);
      return 0;
    } finally {
      for (Process p : processes) p.destroyForcibly();
      for (Process p : processes) p.waitFor();
      try (var c = DriverManager.getConnection(postgres + "postgres", "postgres", "");
          var st = c.createStatement()) {
        st.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
      }
    }
  }

  /**
   * Submits {@code n} one-task jobs, 32 requests in flight (one at a time, the client itself
   * would cap the rate near 40 jobs/s on this machine), and waits for all; tasks/s from the first
   * task's start to the last one's end.
   */
  private double run(int n, String label) throws Exception {
    String body = "{\"name\":\"bench\",\"tasks\":[{\"name\":\"t\",\"run\":\"sleep " + taskSeconds + "\"}]}";
    var pool = Executors.newFixedThreadPool(32);
    List<Future<String>> posts = new ArrayList<>();
    for (int i = 0; i < n; i++) posts.add(pool.submit(() -> post(body)));
    List<String> ids = new ArrayList<>();
    for (var p : posts) ids.add(p.get());
    pool.shutdown();
    Instant first = null;
    Instant last = null;
    for (String id : ids) {
      JsonNode job = awaitFinished(id, Duration.ofMinutes(10));
      Instant s = Instant.parse(job.at("/execution/0/startedAt").asText());
      Instant e = Instant.parse(job.at("/execution/0/completedAt").asText());
      if (first == null || s.isBefore(first)) first = s;
      if (last == null || e.isAfter(last)) last = e;
    }
    double seconds = Duration.between(first, last).toMillis() / 1000.0;
    double rate = n / seconds;
    System.out.printf(Locale.ROOT, "%s: %d tasks of sleep %.1f s in %.2f s: %.1f tasks/s (ideal %.1f)%n", label, n,
        taskSeconds, seconds, rate, (label.startsWith("2") ? 2 : 1) * slots / taskSeconds);
    return rate;
  }

  /**
   * A long task; kills its worker; returns ms to its redelivery being queued and to its start on the other worker
   * (a run lost with its worker is redelivered as the same execution, by default).
   */
  private long[] redispatch(int round) throws Exception {
    String body = "{\"name\":\"long\",\"tasks\":[{\"name\":\"t\",\"run\":\"sleep 120\"}]}";
    String a = post(body);
    JsonNode ja = awaitRunning(a);
    String victimNode = ja.at("/execution/0/nodeId").asText();
    Process victim = null;
    for (JsonNode node : getJson("/nodes")) {
      if (node.get("id").asText().equals(victimNode)) victim = workers.remove(node.get("port").asInt());
    }
    Instant killed = Instant.now();
    victim.destroyForcibly();
    victim.waitFor();
    JsonNode job;
    while (true) {
      job = getJson("/jobs/" + a);
      JsonNode ex = job.at("/execution/0");
      if (ex.path("redelivered").asInt(0) >= 1 && ex.path("startedAt").isTextual()) break;
      Thread.sleep(100);
    }
    // A redelivered run is queued again (scheduledAt) as the same execution.
    long created = Duration.between(killed, Instant.parse(job.at("/execution/0/scheduledAt").asText())).toMillis();
    long started = Duration.between(killed, Instant.parse(job.at("/execution/0/startedAt").asText())).toMillis();
    // Clean up: cancel the job, and put a new worker in place of the killed one.
    send("PUT", "/jobs/" + a + "/cancel", null);
    worker("w" + (3 + round));
    awaitWorkers(2);
    return new long[] {created, started};
  }

  private void worker(String name) throws Exception {
    int port = BenchNode.freePort();
    Process p = fork(name, List.of("run", "worker", "--cluster-port", String.valueOf(port), "--seed-nodes", seed,
        "--runtime", "shell", "--queues", "default:" + slots, "--data-dir", dir.resolve(name).toString()));
    workers.put(port, p);
  }

  private Process fork(String name, List<String> args) throws Exception {
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(javaBin, "-Xmx512m", "-XX:+UseParallelGC",
        "-Djtork.datastore.postgres.url=" + dbUrl, "-Djtork.datastore.postgres.user=postgres",
        "-Djtork.data-dir=" + dir.resolve(name)));
    cmd.addAll(BenchNode.launch());
    cmd.addAll(args);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(name + ".log").toFile())).start();
    processes.add(p);
    return p;
  }

  private void awaitHealth() throws Exception {
    for (int i = 0; i < 240; i++) {
      try {
        if (send("GET", "/health", null).statusCode() == 200) return;
      } catch (IOException e) {
        // not up yet
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("the coordinator did not start; see " + dir);
  }

  /**
   * Until {@code n} workers answer and every member is Up: a worker still joining does not count
   * for the split brain resolver, and killing another then would leave a tie.
   */
  private void awaitWorkers(int n) throws Exception {
    for (int i = 0; i < 240; i++) {
      int up = 0;
      for (JsonNode node : getJson("/nodes")) if (node.get("status").asText().equals("UP")) up++;
      boolean allUp = true;
      int members = 0;
      for (JsonNode m : getJson("/cluster")) {
        members++;
        allUp &= m.get("status").asText().equals("UP");
      }
      if (up == n && allUp && members == n + 1) return;
      Thread.sleep(250);
    }
    throw new IllegalStateException(n + " workers did not join; see " + dir);
  }

  private JsonNode awaitFinished(String id, Duration timeout) throws Exception {
    Instant until = Instant.now().plus(timeout);
    while (Instant.now().isBefore(until)) {
      JsonNode job = getJson("/jobs/" + id);
      String state = job.path("state").asText();
      if (state.equals("COMPLETED")) return job;
      if (state.equals("FAILED") || state.equals("CANCELLED")) throw new IllegalStateException("job " + job);
      Thread.sleep(200);
    }
    throw new IllegalStateException("job " + id + " did not finish");
  }

  private JsonNode awaitRunning(String id) throws Exception {
    for (int i = 0; i < 600; i++) {
      JsonNode job = getJson("/jobs/" + id);
      if (job.at("/execution/0/state").asText().equals("RUNNING")) return job;
      Thread.sleep(100);
    }
    throw new IllegalStateException("job " + id + " did not start");
  }

  private String post(String body) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/jobs"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) throw new IllegalStateException("POST /jobs: " + r.statusCode() + " " + r.body());
    return json.readTree(r.body()).get("id").asText();
  }

  private JsonNode getJson(String path) throws Exception {
    return json.readTree(send("GET", path, null).body());
  }

  private HttpResponse<String> send(String method, String path, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .build(), HttpResponse.BodyHandlers.ofString());
  }
}
