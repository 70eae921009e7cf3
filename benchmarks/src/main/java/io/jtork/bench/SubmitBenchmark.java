package io.jtork.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Submits one-task shell jobs ({@code echo -n x > $TORK_OUTPUT}) to a standalone node and
 * reports throughput, submit-to-COMPLETED latency and the node's live heap. Each job is
 * submitted with {@code wait}, so the HTTP round trip ends exactly when the job has
 * COMPLETED; its duration is the latency.
 *
 * <p>Phases: plain submissions of {@code --jobs} jobs until all have completed (sustained
 * jobs/s); a closed loop of submissions with {@code wait}, {@code --concurrency} in flight; an open loop at {@code --rate} jobs/s for {@code --seconds} (p50/p99 at a
 * steady load); then, after {@code --heap-jobs} more completed jobs and a pause for finished
 * jobs to passivate, a full GC in the node and its heap after it ({@code jcmd}).
 */
@Command(name = "submit-benchmark", mixinStandardHelpOptions = true)
public final class SubmitBenchmark implements Callable<Integer> {
  private static final String JOB = """
      {"name":"bench","wait":{"timeout":"60s"},"tasks":[{"name":"x","run":"echo -n x > $TORK_OUTPUT"}]}""";
  private static final String PLAIN_JOB = """
      {"name":"%s","tasks":[{"name":"x","run":"echo -n x > $TORK_OUTPUT"}]}""";

  @Option(names = "--url", description = "Use this node instead of forking one.")
  String url;

  @picocli.CommandLine.Mixin
  DatastoreOptions db;

  @Option(names = "--jobs", defaultValue = "2000", description = "Jobs in the throughput phase.")
  int jobs;

  @Option(names = "--concurrency", defaultValue = "32", description = "Jobs in flight in the throughput phase.")
  int concurrency;

  @Option(names = "--rate", defaultValue = "10", description = "Jobs per second in the latency phase.")
  int rate;

  @Option(names = "--seconds", defaultValue = "30", description = "Length of the latency phase.")
  int seconds;

  @Option(names = "--heap-jobs", defaultValue = "10000", description = "Completed jobs before the heap is measured (0 skips).")
  int heapJobs;

  @Option(names = "--warmup", defaultValue = "500")
  int warmup;

  @Option(names = "--raw-runs", defaultValue = "3000",
      description = "Runs of the task's command by xargs -P 2 after the phases, the machine's ceiling (0 skips).")
  int rawRuns;

  @Option(names = "--streams", defaultValue = "0", description = "Live streams held open during every phase (see OpenStreams).")
  int streams;

  @Option(names = "--stream-mix", defaultValue = "log=45,events=45,jobs=10",
      description = "Percent of --streams that are log streams, job events streams and /events/stream.")
  String streamMix;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private BenchNode node;

  public static void main(String[] args) {
    System.exit(new CommandLine(new SubmitBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (url == null) node = db.fork("shell");
    String base = url != null ? url : node.base;
    try {
      System.out.printf("node %s (%s), %d cores%n", base, url != null ? "given" : db.datastore,
          Runtime.getRuntime().availableProcessors());
      OpenStreams open = streams > 0 ? new OpenStreams(base, streams, streamMix) : null;
      try {
        closedLoop(base, warmup, concurrency, "warm-up");
        double sustainedRate = sustained(base, jobs, concurrency);
        closedLoop(base, jobs, concurrency, "wait loop");
        openLoop(base, rate, seconds);
        if (open != null) System.out.println("streams    " + open.report());
        if (heapJobs > 0 && node != null) heap(base);
        if (rawRuns > 0) raw(rawRuns, sustainedRate);
      } finally {
        if (open != null) open.close();
      }
      return 0;
    } finally {
      if (node != null) node.close();
    }
  }

  private void closedLoop(String base, int n, int inFlight, String label) throws Exception {
    Histogram latency = new Histogram(TimeUnit.MINUTES.toMicros(2), 3);
    Failures failed = new Failures();
    long start = System.nanoTime();
    bounded(n, inFlight, () -> submit(base, latency, failed));
    double secs = (System.nanoTime() - start) / 1e9;
    System.out.printf(Locale.ROOT, "%-10s %6d jobs, %3d in flight: %7.1f jobs/s; latency p50 %6.1f ms, p99 %6.1f ms,"
            + " max %6.1f ms; %d failed%n", label, n, inFlight, n / secs, ms(latency, 50), ms(latency, 99),
        latency.getMaxValue() / 1000.0, failed.count());
    failed.print();
  }

  /**
   * Plain submissions, as a client that does not wait would send them, at most {@code inFlight}
   * requests at a time; the phase ends when the read model counts every job COMPLETED. Its
   * figure is completed jobs per second over the whole phase.
   */
  private double sustained(String base, int n, int inFlight) throws Exception {
    String run = "sustained" + Long.toHexString(System.nanoTime());
    long start = System.nanoTime();
    PlainSubmissions.Result r = PlainSubmissions.run(http, base, run, PLAIN_JOB.formatted(run), n, inFlight);
    double secs = (System.nanoTime() - start) / 1e9;
    System.out.printf(Locale.ROOT, "sustained  %6d jobs, %3d submits in flight: %7.1f jobs/s completed (all submitted"
        + " in %.1f s, all completed in %.1f s, the list asked %d times); %d failed%n", n, inFlight,
        r.completed() / secs, r.submittedSeconds(), secs, r.polls(), r.failed());
    r.failures().print();
    return r.completed() / secs;
  }

  /**
   * The ceiling on this machine: the jobs' command ({@code echo -n x > $TORK_OUTPUT}, as the shell
   * runtime runs it, {@code bash -c}) run {@code n} times by {@code xargs -P 2}, each with an output
   * file of its own, while the node is idle.
   */
  private void raw(int n, double sustainedRate) throws Exception {
    Path dir = Files.createTempDirectory("jtork-raw");
    try {
      long start = System.nanoTime();
      Process p = new ProcessBuilder("bash", "-c", "seq " + n + " | xargs -P 2 -I{} bash -c 'echo -n x > "
          + dir + "/out-{}'").inheritIO().start();
      if (p.waitFor() != 0) throw new IllegalStateException("xargs exited with " + p.exitValue());
      double perSecond = n / ((System.nanoTime() - start) / 1e9);
      System.out.printf(Locale.ROOT, "raw        %6d runs of the command by xargs -P 2: %7.1f runs/s;"
          + " sustained is %.1f%% of it%n", n, perSecond, 100 * sustainedRate / perSecond);
    } finally {
      try (var files = Files.list(dir)) {
        for (Path f : files.toList()) Files.delete(f);
      }
      Files.delete(dir);
    }
  }

  /** Starts {@code n} requests, at most {@code inFlight} at a time, and waits for all of them. */
  private static void bounded(int n, int inFlight, Supplier<CompletableFuture<?>> request)
      throws InterruptedException {
    Semaphore permits = new Semaphore(inFlight);
    List<CompletableFuture<?>> all = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      permits.acquire();
      all.add(request.get().whenComplete((r, e) -> permits.release()));
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
  }

  private void openLoop(String base, int perSecond, int duration) throws Exception {
    Histogram latency = new Histogram(TimeUnit.MINUTES.toMicros(2), 3);
    Failures failed = new Failures();
    List<CompletableFuture<?>> all = new ArrayList<>();
    long interval = 1_000_000_000L / perSecond;
    long start = System.nanoTime();
    int n = perSecond * duration;
    for (int i = 0; i < n; i++) {
      long due = start + i * interval;
      long wait = due - System.nanoTime();
      if (wait > 0) TimeUnit.NANOSECONDS.sleep(wait);
      all.add(submit(base, latency, failed));
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
    System.out.printf(Locale.ROOT, "steady     %6d jobs at %d jobs/s: latency p50 %6.1f ms, p90 %6.1f ms, p99 %6.1f ms,"
            + " max %6.1f ms; %d failed%n", n, perSecond, ms(latency, 50), ms(latency, 90), ms(latency, 99),
        latency.getMaxValue() / 1000.0, failed.count());
    failed.print();
  }

  private CompletableFuture<HttpResponse<String>> submit(String base, Histogram latency, Failures failed) {
    long t0 = System.nanoTime();
    HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/jobs")).timeout(Duration.ofSeconds(90))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(JOB)).build();
    return http.sendAsync(req, HttpResponse.BodyHandlers.ofString()).handle((r, e) -> {
      if (e != null || r.statusCode() != 200 || !r.body().contains("\"state\":\"COMPLETED\"")) {
        failed.add(r, e); // counted, and the phase goes on: an unanswered request is a failure, not the end
      } else {
        synchronized (latency) {
          latency.recordValue((System.nanoTime() - t0) / 1000);
        }
      }
      return r;
    });
  }

  private void heap(String base) throws Exception {
    closedLoop(base, heapJobs, concurrency, "heap load");
    System.out.println("waiting 30 s for finished jobs to passivate...");
    Thread.sleep(30_000);
    node.jcmd("GC.run");
    node.jcmd("GC.run");
    String info = node.jcmd("GC.heap_info");
    System.out.println("heap info:\n" + info.strip());
    System.out.printf(Locale.ROOT, "heap       after %d completed jobs (plus the phases before) and a full GC: %.1f MB"
        + " live%n", heapJobs, usedHeapKb(info) / 1024.0);
  }

  /**
   * The used heap from {@code GC.heap_info}: G1 prints one "garbage-first heap" line; the
   * parallel and serial collectors print a line per generation, which are summed (metaspace
   * lines are not heap and are left out).
   */
  static long usedHeapKb(String info) {
    Matcher g1 = Pattern.compile("garbage-first heap\\s+total \\d+K, used (\\d+)K").matcher(info);
    if (g1.find()) return Long.parseLong(g1.group(1));
    Matcher gen = Pattern.compile("(?m)^\\s*(PSYoungGen|ParOldGen|def new generation|tenured generation)\\s+total \\d+K, used (\\d+)K")
        .matcher(info);
    long sum = 0;
    boolean any = false;
    while (gen.find()) {
      sum += Long.parseLong(gen.group(2));
      any = true;
    }
    return any ? sum : -1;
  }

  private static double ms(Histogram h, double percentile) {
    return h.getValueAtPercentile(percentile) / 1000.0;
  }
}
