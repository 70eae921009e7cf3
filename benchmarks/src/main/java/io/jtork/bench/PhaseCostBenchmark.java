package io.jtork.bench;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * What one job costs, by phase. On a forked standalone node that records execution samples with
 * Java Flight Recorder from its start, after {@code --warmup} jobs, it measures {@code --jobs}
 * one-task shell jobs (submitted as the submit benchmark's sustained phase does, {@code
 * --concurrency} in flight, until all are COMPLETED), counting the samples of their window only,
 * and reports:
 * <ul>
 *   <li>the node's CPU per job (from {@code /proc}), split into the JIT compilers' share and the
 *   collector's and VM threads' (each thread's CPU in {@code /proc/<pid>/task}) and
 *   the Java threads' rest, which its execution samples divide into phases by the code they are
 *   in ({@link #PHASES}: the first phase whose classes a sample's stack holds);</li>
 *   <li>the CPU of the task processes: those the node waited for and its live children (the task
 *   spawner, with the tasks it waited for: the shell and the task's command);</li>
 *   <li>per job: the journal writes (persists), the events journaled, the API requests and, on
 *   PostgreSQL, the database's commits and the write-ahead log they wrote; on H2, the writes to its
 *   file and their size.</li>
 * </ul>
 */
@Command(name = "phase-cost", mixinStandardHelpOptions = true)
public final class PhaseCostBenchmark implements Callable<Integer> {
  /**
   * The recording's settings: execution samples, every 10 ms of a running thread, and nothing else.
   * The recording starts with the node, and only the samples of the measured jobs count. Started
   * on a warm node instead ({@code jcmd JFR.start}), even this recording cost the node more than
   * it measured: after 20,000 jobs the node ran 140 jobs a second instead of 230, at 10.4 ms of
   * CPU per job instead of 4.5, 3.5 ms of it its JIT compilers compiling again (0.4 without).
   */
  private static final String SAMPLES_ONLY = """
      <?xml version="1.0" encoding="UTF-8"?>
      <configuration version="2.0" label="phase-cost" description="execution samples only">
        <event name="jdk.ExecutionSample">
          <setting name="enabled">true</setting>
          <setting name="period">10 ms</setting>
        </event>
      </configuration>
      """;

  private static final String JOB = """
      {"name":"%s","tasks":[{"name":"x","run":"echo -n x > $TORK_OUTPUT"}]}""";

  /**
   * A sample's phase: the first of these whose class-name prefixes appear anywhere in its stack.
   * The order settles overlaps: a read-model write made by the API is the read model's, a job
   * entity's serialization of its events is the journal's.
   */
  static final Map<String, List<String>> PHASES = phases();

  private static Map<String, List<String>> phases() {
    Map<String, List<String>> p = new LinkedHashMap<>();
    // Not a job's cost: this benchmark's own question, how many of its jobs the list counts COMPLETED.
    p.put("the benchmark's count of its completed jobs", List.of("io.jtork.store.JobReadModel.list"));
    p.put("log shipping", List.of("io.jtork.logs.", "io.jtork.store.TaskLogStore", "io.jtork.worker.WorkerNode.shipLogs"));
    p.put("projection and read model", List.of("io.jtork.projection.", "io.jtork.store.JobReadModel",
        "org.apache.pekko.projection."));
    p.put("process spawn and output", List.of("io.jtork.runtime.", "java.lang.ProcessImpl", "java.lang.ProcessBuilder",
        "io.jtork.worker.TaskRunner"));
    p.put("dispatch: queue, worker, task actor", List.of("io.jtork.queue.", "io.jtork.worker.", "io.jtork.job.TaskActor",
        "io.jtork.job.TaskSupervisor", "io.jtork.dispatch."));
    p.put("journal: writes and serialization", List.of("org.apache.pekko.persistence.", "slick.", "io.jtork.encryption.",
        "io.jtork.journal.", "io.jtork.event."));
    p.put("entity decisions", List.of("io.jtork.job."));
    p.put("HTTP and parsing", List.of("org.apache.pekko.http.", "io.jtork.api.", "io.jtork.spec.", "io.jtork.expr."));
    p.put("metrics", List.of("io.jtork.metrics.", "io.micrometer."));
    p.put("database, other", List.of("org.h2.", "org.postgresql.", "com.zaxxer."));
    return p;
  }

  @Option(names = "--jobs", defaultValue = "2000", description = "Jobs recorded.")
  int jobs;

  @Option(names = "--warmup", defaultValue = "2000", description = "Jobs before the measured ones.")
  int warmup;

  @Option(names = "--concurrency", defaultValue = "32", description = "Submissions in flight.")
  int concurrency;

  @Option(names = "--recording", defaultValue = "samples", description = "What Java Flight Recorder records:"
      + " samples (execution samples only), none (no phases, the CPU alone), or a JFR settings name (profile).")
  String recording;

  @Mixin
  DatastoreOptions db;

  /** Whether the node records execution samples (not with {@code --recording none}). */
  private boolean recorded() {
    return !recording.equals("none");
  }

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public static void main(String[] args) {
    System.exit(new CommandLine(new PhaseCostBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Path dataDir = Files.createTempDirectory("jtork-bench-");
    Path jfr = dataDir.resolve("phase-cost.jfr");
    List<String> jvm = new ArrayList<>();
    if (recorded()) {
      String settings = recording;
      if (recording.equals("samples")) {
        settings = dataDir.resolve("phase-cost.jfc").toString();
        Files.writeString(Path.of(settings), SAMPLES_ONLY);
      }
      jvm.add("-XX:StartFlightRecording:name=phase-cost,settings=" + settings);
    }
    try (BenchNode node = db.fork("shell", dataDir, jvm)) {
      System.out.printf(Locale.ROOT, "node %s (%s), %d cores%n", node.base, db.datastore,
          Runtime.getRuntime().availableProcessors());
      run(node.base, warmup);
      Map<String, Double> before = counters(node.base);
      PostgresCounts postgresBefore = postgresCounts(node);
      long[] cpuBefore = cpu(node.pid());
      Map<String, Long> threadsBefore = threadCpu(node.pid());
      Instant from = Instant.now();
      long start = System.nanoTime();
      String run = run(node.base, jobs);
      double seconds = (System.nanoTime() - start) / 1e9;
      Instant to = Instant.now();
      long[] cpuAfter = cpu(node.pid());
      Map<String, Long> threadsAfter = threadCpu(node.pid());
      if (recorded()) node.jcmd("JFR.dump name=phase-cost filename=" + jfr);
      PostgresCounts postgresAfter = postgresCounts(node);
      Map<String, Double> after = counters(node.base);
      report(node, run, jfr, from, to, seconds, cpuBefore, cpuAfter, jitAndGc(threadsBefore, threadsAfter), before,
          after, postgresAfter.commits() - postgresBefore.commits(),
          postgresAfter.walBytes() - postgresBefore.walBytes());
      return 0;
    }
  }

  /** Submits {@code n} jobs of a new name, {@code concurrency} in flight, and waits until all are COMPLETED. */
  private String run(String base, int n) throws Exception {
    String name = "phase" + Long.toHexString(System.nanoTime());
    PlainSubmissions.Result r = PlainSubmissions.run(http, base, name, JOB.formatted(name), n, concurrency);
    r.failures().print();
    return name;
  }

  private String get(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  /** The node's counters that say what a job took: summed over their labels. */
  private Map<String, Double> counters(String base) throws Exception {
    String text = get(base + "/prometheus");
    Map<String, Double> out = new LinkedHashMap<>();
    for (String name : List.of("jtork_journal_write_seconds_count", "jtork_http_requests_seconds_count",
        "jtork_h2_file_writes_total", "jtork_h2_file_written_bytes_total")) {
      double sum = 0;
      Matcher m = Pattern.compile("(?m)^" + name + "(\\{[^}]*\\})? ([0-9.eE+-]+|NaN)$").matcher(text);
      while (m.find()) sum += Double.parseDouble(m.group(2));
      out.put(name, sum);
    }
    return out;
  }

  /**
   * The node's database's commits so far, and the server's write-ahead log position in bytes (the
   * server's, so any other database's writes count too). PostgreSQL only: -1 on H2.
   */
  private record PostgresCounts(long commits, long walBytes) {
    static final PostgresCounts NONE = new PostgresCounts(-1, -1);
  }

  private PostgresCounts postgresCounts(BenchNode node) throws Exception {
    if (node.database == null) return PostgresCounts.NONE;
    try (var c = DriverManager.getConnection(db.postgresUrl + "postgres", "postgres", "");
        var st = c.prepareStatement("SELECT xact_commit, pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint"
            + " FROM pg_stat_database WHERE datname = ?")) {
      st.setString(1, node.database);
      try (var rs = st.executeQuery()) {
        return rs.next() ? new PostgresCounts(rs.getLong(1), rs.getLong(2)) : PostgresCounts.NONE;
      }
    }
  }

  /** The process's CPU so far, in clock ticks: its own (user + system), and its children's ({@link ProcessCpu#of}). */
  private static long[] cpu(long pid) throws Exception {
    long[] c = ProcessCpu.of(pid);
    return new long[] {c[0] + c[1], c[2] + c[3]};
  }

  /** Each thread's CPU so far in clock ticks, by "name/tid" ({@code /proc/<pid>/task}). */
  private static Map<String, Long> threadCpu(long pid) throws Exception {
    Map<String, Long> out = new LinkedHashMap<>();
    try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
      for (Path t : tasks.toList()) {
        try {
          String stat = Files.readString(t.resolve("stat"));
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          out.put(name + "/" + t.getFileName(), Long.parseLong(f[11]) + Long.parseLong(f[12]));
        } catch (java.io.IOException e) {
          // the thread ended meanwhile
        }
      }
    }
    return out;
  }

  /**
   * The CPU ticks the JIT compiler threads and the garbage collector's threads used between two
   * snapshots (a thread started meanwhile counts whole; one that ended is left to the Java rest).
   */
  private static long[] jitAndGc(Map<String, Long> before, Map<String, Long> after) {
    long jit = 0;
    long gc = 0;
    for (Map.Entry<String, Long> t : after.entrySet()) {
      long used = t.getValue() - before.getOrDefault(t.getKey(), 0L);
      if (t.getKey().startsWith("C1 CompilerThre") || t.getKey().startsWith("C2 CompilerThre")) jit += used;
      else if (t.getKey().startsWith("GC Thread") || t.getKey().startsWith("VM Thread")) gc += used;
    }
    return new long[] {jit, gc};
  }

  private void report(BenchNode node, String run, Path jfr, Instant from, Instant to, double seconds, long[] cpuBefore,
      long[] cpuAfter, long[] jitAndGc, Map<String, Double> before, Map<String, Double> after, long commits,
      long walBytes)
      throws Exception {
    double tick = 1000.0 / 100; // ms per clock tick (USER_HZ is 100 on Linux)
    double nodeMs = (cpuAfter[0] - cpuBefore[0]) * tick;
    double childMs = (cpuAfter[1] - cpuBefore[1]) * tick;
    Map<String, Long> samples = new LinkedHashMap<>();
    PHASES.keySet().forEach(k -> samples.put(k, 0L));
    samples.put("actor system, other", 0L);
    double jitMs = jitAndGc[0] * tick;
    double gcMs = jitAndGc[1] * tick;
    long total = 0;
    boolean recorded = recorded();
    if (recorded) try (RecordingFile f = new RecordingFile(jfr)) {
      while (f.hasMoreEvents()) {
        RecordedEvent e = f.readEvent();
        switch (e.getEventType().getName()) {
          case "jdk.ExecutionSample" -> {
            if (e.getStartTime().isBefore(from) || e.getStartTime().isAfter(to)) continue;
            samples.merge(phaseOf(e), 1L, Long::sum);
            total++;
          }
          default -> { }
        }
      }
    }
    if (recorded && total == 0) throw new IllegalStateException("no execution sample in " + jfr + " between " + from
        + " and " + to);
    double javaMs = Math.max(0, nodeMs - jitMs - gcMs);
    String sampleJob = firstJobOf(node.base, run);
    int events = sampleJob == null ? -1 : eventsOf(node.base, sampleJob);

    System.out.printf(Locale.ROOT, "%d jobs in %.1f s: %.1f jobs/s; node CPU %.1f ms per job (%.0f%% of %d cores)%n",
        jobs, seconds, jobs / seconds, nodeMs / jobs, 100 * nodeMs / (seconds * 1000 * Runtime.getRuntime()
            .availableProcessors()), Runtime.getRuntime().availableProcessors());
    System.out.println();
    System.out.println("| phase | share of the Java threads' samples | CPU ms per job |");
    System.out.println("|---|---|---|");
    if (recorded) {
      for (Map.Entry<String, Long> s : samples.entrySet()) {
        double share = (double) s.getValue() / total;
        System.out.printf(Locale.ROOT, "| %s | %.1f%% | %.2f |%n", s.getKey(), 100 * share, share * javaMs / jobs);
      }
    } else {
      System.out.printf(Locale.ROOT, "| the Java threads (not recorded: --recording none) | | %.2f |%n", javaMs / jobs);
    }
    System.out.printf(Locale.ROOT, "| JIT compiler threads | | %.2f |%n", jitMs / jobs);
    System.out.printf(Locale.ROOT, "| garbage collector and VM threads | | %.2f |%n", gcMs / jobs);
    System.out.printf(Locale.ROOT, "| **the node, in all** | | **%.2f** |%n", nodeMs / jobs);
    System.out.printf(Locale.ROOT, "| task processes (the spawner, bash and its command) | | %.2f |%n", childMs / jobs);
    System.out.println();
    System.out.printf(Locale.ROOT, "per job: %.2f journal writes, %d events, %.2f API requests%s%n",
        (after.get("jtork_journal_write_seconds_count") - before.get("jtork_journal_write_seconds_count")) / jobs,
        events, (after.get("jtork_http_requests_seconds_count") - before.get("jtork_http_requests_seconds_count")) / jobs,
        node.database != null ? String.format(Locale.ROOT, ", %.2f PostgreSQL commits (%.1f KB of write-ahead log)",
            (double) commits / jobs, walBytes / 1024.0 / jobs)
            : String.format(Locale.ROOT, ", %.2f writes to the H2 file (%.1f KB)",
                (after.get("jtork_h2_file_writes_total") - before.get("jtork_h2_file_writes_total")) / jobs,
                (after.get("jtork_h2_file_written_bytes_total") - before.get("jtork_h2_file_written_bytes_total"))
                    / jobs / 1024));
    if (recorded) System.out.printf("%d execution samples; recording %s%n", total, jfr);
  }

  /** The phase of a sample: the first whose classes its stack holds. */
  static String phaseOf(RecordedEvent sample) {
    if (sample.getStackTrace() == null) return "actor system, other";
    List<String> frames = new ArrayList<>();
    for (RecordedFrame f : sample.getStackTrace().getFrames()) {
      frames.add(f.getMethod().getType().getName() + "." + f.getMethod().getName());
    }
    for (Map.Entry<String, List<String>> p : PHASES.entrySet()) {
      for (String frame : frames) {
        for (String prefix : p.getValue()) if (frame.startsWith(prefix)) return p.getKey();
      }
    }
    return "actor system, other";
  }

  private String firstJobOf(String base, String name) throws Exception {
    Matcher m = Pattern.compile("\"id\":\"([0-9a-f]{32})\"").matcher(get(base + "/jobs?size=1&q=" + name));
    return m.find() ? m.group(1) : null;
  }

  private int eventsOf(String base, String id) throws Exception {
    return (int) PlainSubmissions.totalItems(get(base + "/jobs/" + id + "/events?size=1"), -1);
  }
}
