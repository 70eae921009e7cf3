package io.jtork.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * One job with an {@code each} over {@code --items} items ({@code concurrency} {@code --concurrency},
 * each child a shell {@code true}) on a forked standalone node, {@code --runs} times one after
 * another (after an untimed {@code --warmup} job, if asked): its tasks/s (from the job's
 * startedAt to completedAt), the slowest {@code GET /jobs/{id}} while it runs (one a second),
 * and, after the node is stopped and started again on the same data, how long the first
 * {@code GET} of the last job takes (the entity recovering from its snapshot and the events
 * after it). With {@code --webhook} each job also has a webhook ({@code job.StateChange} or
 * {@code task.StateChange}) calling a receiver in this JVM, which counts the calls.
 */
@Command(name = "each-scale", mixinStandardHelpOptions = true)
public final class EachScaleBenchmark implements Callable<Integer> {
  @Option(names = "--items", defaultValue = "10000")
  int items;

  @Option(names = "--concurrency", defaultValue = "100")
  int concurrency;

  @Option(names = "--runs", defaultValue = "1", description = "measured jobs, one after another on the same node")
  int runs;

  @Option(names = "--warmup", defaultValue = "0",
      description = "items of an each job run first on the same node, untimed, so the measured one runs on warm code")
  int warmup;

  @Option(names = "--webhook", description = "give each job a webhook for this event (job.StateChange or"
      + " task.StateChange), answered by a receiver in the harness")
  String webhook;

  @Option(names = "--event-pages", description = "after the runs, time pages of GET /jobs/{id}/events (size 100) of"
      + " the last job, first, middle and last, against those of a one-task job")
  boolean eventPages;

  @Option(names = "--heap-every", defaultValue = "0", description = "while a job runs, every this many seconds, a full"
      + " GC in the node and its live heap after it (jcmd); 0: never")
  int heapEvery;

  private final AtomicLong webhookCalls = new AtomicLong();
  private long maxLiveHeapKb = -1;
  private int heapSamples;
  private BenchNode current;
  private String receiver;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final ObjectMapper json = new ObjectMapper();

  public static void main(String[] args) {
    System.exit(new CommandLine(new EachScaleBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    HttpServer server = null;
    if (webhook != null) {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext("/hook", exchange -> {
        exchange.getRequestBody().readAllBytes();
        webhookCalls.incrementAndGet();
        exchange.sendResponseHeaders(204, -1);
        exchange.close();
      });
      server.start();
      receiver = "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }
    BenchNode node = BenchNode.fork("shell", "h2", null);
    current = node;
    String id;
    try {
      if (warmup > 0) {
        String warm = submit(node.base, warmup);
        JsonNode w = awaitEnd(node.base, warm, new long[1]);
        System.out.printf(Locale.ROOT, "warm-up: each over %d items %s%n", warmup, w.path("state").asText());
      }
      id = null;
      List<Double> rates = new ArrayList<>();
      for (int run = 1; run <= runs; run++) {
        id = submit(node.base, items);
        long[] slowest = new long[1];
        JsonNode job = awaitEnd(node.base, id, slowest);
        double seconds = Duration.between(Instant.parse(job.path("startedAt").asText()),
            Instant.parse(job.path("completedAt").asText())).toMillis() / 1000.0;
        rates.add(items / seconds);
        System.out.printf(Locale.ROOT,
            "run %d: each over %d items, concurrency %d: %s in %.1f s = %.1f tasks/s; %d executions;"
                + " slowest GET /jobs/{id} while running %.0f ms%n",
            run, items, concurrency, job.path("state").asText(), seconds, items / seconds,
            job.path("execution").size(), slowest[0] / 1e6);
      }
      if (webhook != null) System.out.printf(Locale.ROOT, "webhook calls received (%s): %d%n", webhook, webhookCalls.get());
      if (heapEvery > 0) {
        System.out.printf(Locale.ROOT, "live heap while running (a full GC every %d s): max %.1f MB over %d samples%n",
            heapEvery, maxLiveHeapKb / 1024.0, heapSamples);
      }
      Collections.sort(rates);
      System.out.printf(Locale.ROOT, "median of %d run(s): %.1f tasks/s%n", runs, rates.get(rates.size() / 2));
      long t0 = System.nanoTime();
      get(node.base, id);
      System.out.printf(Locale.ROOT, "GET /jobs/{id} after completion: %.0f ms%n", (System.nanoTime() - t0) / 1e6);
      if (eventPages) eventPages(node.base, id);
    } finally {
      node.close();
    }
    try {
      // The job has just ended, so it is remembered: the new node recovers it while it starts.
      restart(node.dataDir, id, "after a restart", true);
      // Passivated (idle for jtork.job.passivate-after, 10 s) it is not: the first GET recovers it.
      restart(node.dataDir, id, "after a restart with the job passivated", false);
    } finally {
      if (server != null) server.stop(0);
    }
    return 0;
  }

  /**
   * Starts a node on {@code dataDir}, times the first GET of job {@code id} (which waits for its
   * recovery) and a second one, and prints the recoveries the node logged (INFO from 500 ms on).
   * With {@code thenPassivate} it waits until the job has been idle long enough to be passivated
   * before it stops the node.
   */
  private void restart(Path dataDir, String id, String label, boolean thenPassivate) throws Exception {
    Path log = dataDir.resolve("node.log");
    int linesBefore = Files.readAllLines(log).size();
    BenchNode again = BenchNode.fork("shell", "h2", null, dataDir);
    try {
      long t0 = System.nanoTime();
      JsonNode job = get(again.base, id);
      System.out.printf(Locale.ROOT, "%s, first GET /jobs/{id} (recovery from snapshot): %.0f ms (%s)%n",
          label, (System.nanoTime() - t0) / 1e6, job.path("state").asText());
      List<String> recovered = Files.readAllLines(log).stream().skip(linesBefore)
          .filter(l -> l.contains("recovered in ")).map(l -> l.substring(l.indexOf("job "))).toList();
      System.out.printf(Locale.ROOT, "recoveries logged by the restarted node: %s%n", recovered);
      t0 = System.nanoTime();
      get(again.base, id);
      System.out.printf(Locale.ROOT, "second GET /jobs/{id} (the job in memory): %.0f ms%n", (System.nanoTime() - t0) / 1e6);
      if (thenPassivate) Thread.sleep(13_000);
    } finally {
      again.close();
    }
  }

  private String submit(String base, int n) throws Exception {
    String hooks = webhook == null ? "" : """
        ,"webhooks":[{"url":"%s","event":"%s"}]""".formatted(receiver, webhook);
    String body = """
        {"name":"scale","tasks":[{"name":"fan out","each":{"list":"{{ sequence(0, %d) }}","concurrency":%d,
         "task":{"name":"t{{ item.index }}","run":"true"}}}]%s}""".formatted(n, concurrency, hooks);
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/jobs"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    return json.readTree(r.body()).path("id").asText();
  }

  /**
   * Times {@code GET /jobs/{id}/events?size=100} of the first, middle and last page of job {@code id}
   * (20 times each, after 5 untimed), and the same of a one-task job: their medians and maxima.
   */
  private void eventPages(String base, String id) throws Exception {
    String small = submit(base, 1);
    awaitEnd(base, small, new long[1]);
    for (String job : List.of(small, id)) {
      long total = json.readTree(events(base, job, 1)).path("totalItems").asLong();
      long pages = Math.max(1, (total + 99) / 100);
      for (long page : new LinkedHashSet<>(List.of(1L, Math.max(1, pages / 2), pages))) {
        List<Long> took = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
          long t0 = System.nanoTime();
          events(base, job, page);
          if (i >= 5) took.add(System.nanoTime() - t0);
        }
        Collections.sort(took);
        System.out.printf(Locale.ROOT, "GET /jobs/{id}/events page %d of %d (%d events in all): median %.1f ms, max %.1f ms%n",
            page, pages, total, took.get(took.size() / 2) / 1e6, took.get(took.size() - 1) / 1e6);
      }
    }
  }

  private String events(String base, String id, long page) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/jobs/" + id + "/events?size=100&page=" + page))
        .timeout(Duration.ofSeconds(60)).GET().build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) throw new IllegalStateException("events page " + page + " answered " + r.statusCode());
    return r.body();
  }

  /** GETs the job once a second until it has ended; {@code slowest[0]} is the slowest GET in ns. */
  private JsonNode awaitEnd(String base, String id, long[] slowest) throws Exception {
    long nextHeap = System.nanoTime() + heapEvery * 1_000_000_000L;
    while (true) {
      if (heapEvery > 0 && System.nanoTime() >= nextHeap) {
        sampleHeap();
        nextHeap = System.nanoTime() + heapEvery * 1_000_000_000L;
      }
      long t0 = System.nanoTime();
      JsonNode job = get(base, id);
      slowest[0] = Math.max(slowest[0], System.nanoTime() - t0);
      String state = job.path("state").asText();
      if (state.equals("COMPLETED") || state.equals("FAILED")) return job;
      if (state.isEmpty()) throw new IllegalStateException("GET /jobs/" + id + " answered " + job);
      Thread.sleep(1000);
    }
  }

  /** A full GC in the node, and its live heap after it. */
  private void sampleHeap() throws Exception {
    current.jcmd("GC.run");
    maxLiveHeapKb = Math.max(maxLiveHeapKb, SubmitBenchmark.usedHeapKb(current.jcmd("GC.heap_info")));
    heapSamples++;
  }

  private JsonNode get(String base, String id) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/jobs/" + id))
        .timeout(Duration.ofSeconds(60)).GET().build(), HttpResponse.BodyHandlers.ofString());
    return json.readTree(r.body());
  }
}
