package io.jtork.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The first promise under load: a standalone node is killed with SIGKILL ({@code kill -9}) while
 * clients submit one-task shell jobs to it as fast as it takes them, then started again on the
 * same data, {@code --cycles} times. Every job the node acknowledged (answered 200 with its id)
 * must be found after each restart and, in the end, COMPLETED: none lost, none failed by the
 * deaths. Submissions the kill cut off were never acknowledged; they are counted, not checked.
 * With {@code --fresh} each cycle is a new node on new data, killed in its first seconds (where
 * H2 2.5.252 lost jobs: docs/benchmarks.md), and its jobs are settled before the next cycle.
 *
 * <p>It prints, per cycle, how long the node ran and what it acknowledged, then how many
 * acknowledged jobs were missing after a restart, failed, or not finished within
 * {@code --settle-seconds}, and how long the last node took to finish them. It exits 1 if any
 * was, or if a cycle acknowledged no job, so a script can run it as a soak check; it is run by
 * hand, never as a test.
 */
@Command(name = "crash-loop", mixinStandardHelpOptions = true)
public final class CrashLoopBenchmark implements Callable<Integer> {
  private static final String JOB = """
      {"name":"crash-loop","tasks":[{"name":"x","run":"echo -n x > $TORK_OUTPUT"}]}""";

  @Mixin
  DatastoreOptions db;

  @Option(names = "--cycles", defaultValue = "5", description = "Kills and restarts.")
  int cycles;

  @Option(names = "--concurrency", defaultValue = "8", description = "Clients submitting at once.")
  int concurrency;

  @Option(names = "--min-seconds", defaultValue = "2", description = "Least time a node runs under load before it is killed.")
  double minSeconds;

  @Option(names = "--max-seconds", defaultValue = "6", description = "Most time a node runs under load before it is killed.")
  double maxSeconds;

  @Option(names = "--settle-seconds", defaultValue = "120",
      description = "How long a restarted node has to finish every acknowledged job (the last one's, or each with --fresh).")
  int settleSeconds;

  @Option(names = "--quiet-ms", defaultValue = "-1",
      description = "If 0 or more: the clients stop and every submission is answered, then the node idles this long before"
          + " it is killed (the kill cuts off nothing). Below 0: it is killed under load.")
  long quietMillis;

  @Option(names = "--fresh",
      description = "Each cycle on a new node with new data, its jobs settled before the next: kills in a node's first seconds.")
  boolean fresh;

  @Option(names = "--seed", defaultValue = "1", description = "Seed of the kill times.")
  long seed;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final ObjectMapper json = new ObjectMapper();

  public static void main(String[] args) {
    System.exit(new CommandLine(new CrashLoopBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (cycles < 1 || concurrency < 1 || minSeconds < 0 || maxSeconds < minSeconds) {
      System.err.println("--cycles and --concurrency must be at least 1, and 0 <= --min-seconds <= --max-seconds");
      return 2;
    }
    Random random = new Random(seed);
    System.out.printf(Locale.ROOT, "node on %s, %d cores; %d cycles of load then kill -9, %d clients%s%n",
        db.datastore, Runtime.getRuntime().availableProcessors(), cycles, concurrency,
        fresh ? "; each cycle a new node on new data" : "");
    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    Set<String> lost = new HashSet<>();
    BenchNode node = db.fork("shell", Files.createTempDirectory("jtork-bench-"), List.of());
    int exit = 0;
    try {
      for (int cycle = 1; cycle <= cycles; cycle++) {
        if (fresh && cycle > 1) {
          node.close();
          node = null;
          acknowledged.clear();
          lost.clear();
          node = db.fork("shell", Files.createTempDirectory("jtork-bench-"), List.of());
        }
        long runMillis = (long) (1000 * (minSeconds + random.nextDouble() * (maxSeconds - minSeconds)));
        long started = System.nanoTime();
        Load load = new Load(node.base, acknowledged);
        Thread.sleep(runMillis);
        load.stopSubmitting();
        if (quietMillis >= 0) {
          load.join();
          Thread.sleep(quietMillis);
        }
        if (!node.process.isAlive()) {
          System.out.printf("cycle %d: the node died before it was killed; see %s%n", cycle, node.dataDir.resolve("node.log"));
          return 1;
        }
        node.kill();
        double ranSeconds = (System.nanoTime() - started) / 1e9;
        load.join();
        long t0 = System.nanoTime();
        node = db.restart("shell", node);
        double startSeconds = (System.nanoTime() - t0) / 1e9;
        int lostNow = 0;
        for (String id : acknowledged) {
          if (!lost.contains(id) && get(node.base, id) == null) {
            lost.add(id);
            lostNow++;
          }
        }
        System.out.printf(Locale.ROOT, "cycle %d: killed after %.1f s; %d acknowledged (%d in all); not acknowledged: %d"
                + " cut off by the kill, %d refused%s; restarted in %.1f s; acknowledged jobs not found after it: %d%n",
            cycle, ranSeconds, load.acknowledged.get(), acknowledged.size(), load.cutOff.get(), load.refused.get(),
            load.refusal(), startSeconds, lostNow);
        if (load.acknowledged.get() == 0) exit = 1; // a cycle that tested nothing must not pass
        if (fresh || cycle == cycles) exit |= settle(node.base, acknowledged, lost, t0);
      }
      return exit;
    } finally {
      if (node != null) node.close();
    }
  }

  /**
   * Waits for every acknowledged job that was not {@code lost} to end, and prints what did not
   * complete, timed from the last restart's start ({@code restarted}, nanoTime). The exit code: 1
   * if a job was lost after a restart, failed, or did not end in time.
   */
  private int settle(String base, Set<String> acknowledged, Set<String> lost, long restarted) throws Exception {
    long deadline = System.nanoTime() + settleSeconds * 1_000_000_000L;
    Map<String, String> open = new TreeMap<>();
    for (String id : acknowledged) {
      if (!lost.contains(id)) open.put(id, "?");
    }
    Map<String, Integer> failedOrGone = new TreeMap<>();
    int completed = 0;
    while (!open.isEmpty() && System.nanoTime() < deadline) {
      for (String id : List.copyOf(open.keySet())) {
        JsonNode job = get(base, id);
        String state = job == null ? "NOT FOUND" : job.path("state").asText();
        if (state.equals("COMPLETED")) {
          open.remove(id);
          completed++;
        } else if (state.equals("FAILED") || state.equals("CANCELLED") || state.equals("NOT FOUND")) {
          open.remove(id);
          failedOrGone.merge(state + (job == null ? "" : ": " + job.path("error").asText()), 1, Integer::sum);
        } else {
          open.put(id, state);
        }
      }
      if (!open.isEmpty()) Thread.sleep(1000);
    }
    Map<String, Integer> unfinished = new TreeMap<>();
    open.values().forEach(state -> unfinished.merge(state, 1, Integer::sum));
    System.out.printf(Locale.ROOT, "settled: %d acknowledged jobs; %d COMPLETED within %.1f s of the last restart's"
            + " start; not found after a restart: %d; ended otherwise: %s; not ended within %d s: %s%n",
        acknowledged.size(), completed, (System.nanoTime() - restarted) / 1e9, lost.size(), failedOrGone,
        settleSeconds, unfinished);
    return lost.isEmpty() && failedOrGone.isEmpty() && open.isEmpty() ? 0 : 1;
  }

  /**
   * {@code GET /jobs/{id}} (the job's entity, not the read model): the job, or null if the node
   * answers 404. A 503 (the job still recovering) is asked again, for up to a minute.
   */
  private JsonNode get(String base, String id) throws IOException, InterruptedException {
    for (int attempt = 0; ; attempt++) {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/jobs/" + id))
          .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 404) return null;
      if (r.statusCode() == 200) return json.readTree(r.body());
      if (r.statusCode() != 503 || attempt == 60) {
        throw new IllegalStateException("GET /jobs/" + id + ": " + r.statusCode() + " " + r.body());
      }
      Thread.sleep(1000);
    }
  }

  /** {@code concurrency} clients, each submitting one job after another until stopped. */
  private final class Load {
    final AtomicInteger acknowledged = new AtomicInteger();
    final AtomicInteger cutOff = new AtomicInteger();
    final AtomicInteger refused = new AtomicInteger();
    private final AtomicReference<String> firstRefusal = new AtomicReference<>();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final List<Thread> clients = new ArrayList<>();

    Load(String base, Set<String> ids) {
      for (int i = 0; i < concurrency; i++) {
        Thread client = new Thread(() -> {
          while (!stopped.get()) {
            try {
              HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/jobs"))
                  .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(JOB)).build(), HttpResponse.BodyHandlers.ofString());
              if (r.statusCode() == 200) {
                ids.add(json.readTree(r.body()).path("id").asText());
                acknowledged.incrementAndGet();
              } else {
                refused.incrementAndGet(); // answered, but not accepted (a 503 under overload, say)
                firstRefusal.compareAndSet(null, r.statusCode() + " " + r.body());
              }
            } catch (IOException e) {
              cutOff.incrementAndGet(); // the node died under it: never acknowledged
              try {
                Thread.sleep(50); // not a busy loop if the node is gone before the kill
              } catch (InterruptedException stop) {
                return;
              }
            } catch (InterruptedException e) {
              return;
            }
          }
        });
        client.setDaemon(true);
        client.start();
        clients.add(client);
      }
    }

    /** No client starts another submission; those open stay open (the kill is to cut them off). */
    void stopSubmitting() {
      stopped.set(true);
    }

    /** Waits (up to a minute each) for each client's last submission to end. */
    void join() throws InterruptedException {
      for (Thread t : clients) t.join(60_000);
    }

    /** The first refusal's status and answer, for the cycle's line, or "". */
    String refusal() {
      String first = firstRefusal.get();
      return first == null ? "" : " (the first: " + first.substring(0, Math.min(160, first.length())) + ")";
    }
  }
}
