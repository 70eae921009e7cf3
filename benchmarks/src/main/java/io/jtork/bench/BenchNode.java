package io.jtork.bench;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** A standalone node forked for a benchmark from jtork's jar, on a data directory (and database) of its own. */
final class BenchNode implements AutoCloseable {
  final Process process;
  final Path dataDir;
  final String base;
  /** The node's PostgreSQL database, or null on H2. */
  final String database;
  private final String postgresUrl;

  private BenchNode(Process process, Path dataDir, String base, String database, String postgresUrl) {
    this.process = process;
    this.dataDir = dataDir;
    this.base = base;
    this.database = database;
    this.postgresUrl = postgresUrl;
  }

  /** Starts {@code jtork run standalone} on {@code runtime} and waits until it answers {@code /health}. */
  static BenchNode fork(String runtime, String datastore, String postgresUrl) throws Exception {
    return fork(runtime, datastore, postgresUrl, Files.createTempDirectory("jtork-bench-"));
  }

  /** As above, on {@code dataDir} (again, to measure a restart). */
  static BenchNode fork(String runtime, String datastore, String postgresUrl, Path dataDir) throws Exception {
    return fork(runtime, datastore, postgresUrl, dataDir, Map.of());
  }

  /** As above, with these environment variables set for the node (its settings' {@code JTORK_*} variables). */
  static BenchNode fork(String runtime, String datastore, String postgresUrl, Path dataDir,
      Map<String, String> env) throws Exception {
    return fork(runtime, datastore, postgresUrl, dataDir, env, List.of());
  }

  /** As above, with these JVM options after {@code $JTORK_JAVA_OPTS} (a recording from the start, say). */
  static BenchNode fork(String runtime, String datastore, String postgresUrl, Path dataDir,
      Map<String, String> env, List<String> jvmOptions) throws Exception {
    return fork(runtime, datastore, postgresUrl, dataDir, env, jvmOptions, null);
  }

  /**
   * As above; on PostgreSQL on {@code database} if not null (a node killed before, to restart
   * it on its data), else on a database of its own, created now. Either way the node returned
   * owns the database: its {@link #close()} drops it. If the node does not start, a database
   * created here is dropped and one passed in is kept.
   */
  static BenchNode fork(String runtime, String datastore, String postgresUrl, Path dataDir,
      Map<String, String> env, List<String> jvmOptions, String database) throws Exception {
    int port = freePort();
    // JTORK_JAVA: the node's java, to compare runtimes (the harness's own by default).
    String javaBin = Optional.ofNullable(System.getenv("JTORK_JAVA")).filter(j -> !j.isBlank())
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> cmd = new ArrayList<>(List.of(javaBin, "-Xmx1g", "-XX:+UseParallelGC"));
    // As bin/jtork takes them: JVM options to compare (JIT, GC, class-data sharing).
    String opts = System.getenv("JTORK_JAVA_OPTS");
    if (opts != null && !opts.isBlank()) cmd.addAll(List.of(opts.trim().split("\\s+")));
    cmd.addAll(jvmOptions);
    cmd.addAll(launch());
    cmd.addAll(List.of("run", "standalone",
        "--port", String.valueOf(port), "--data-dir", dataDir.toString(), "--runtime", runtime));
    String db = null;
    if (datastore.equals("postgres")) {
      db = database;
      if (db == null) {
        db = "jtork_bench_" + System.currentTimeMillis();
        try (var c = DriverManager.getConnection(postgresUrl + "postgres", "postgres", "");
            var st = c.createStatement()) {
          st.execute("CREATE DATABASE " + db);
        }
      }
      cmd.addAll(List.of("--datastore", "postgres"));
      cmd.add(1, "-Djtork.datastore.postgres.url=" + postgresUrl + db);
      cmd.add(1, "-Djtork.datastore.postgres.user=postgres");
    }
    ProcessBuilder builder = new ProcessBuilder(cmd);
    builder.environment().putAll(env);
    Process node = builder.redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dataDir.resolve("node.log").toFile())).start();
    String base = "http://127.0.0.1:" + port;
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    for (int i = 0; i < 240; i++) {
      if (!node.isAlive()) break;
      try {
        if (http.send(HttpRequest.newBuilder(URI.create(base + "/health")).build(),
            HttpResponse.BodyHandlers.ofString()).statusCode() == 200) return new BenchNode(node, dataDir, base, db, postgresUrl);
      } catch (IOException e) {
        // not up yet
      }
      Thread.sleep(250);
    }
    node.destroyForcibly();
    node.waitFor();
    if (db != null && database == null) dropDatabase(postgresUrl, db);
    throw new IllegalStateException("the node did not start; see " + dataDir.resolve("node.log"));
  }

  /**
   * How to start jtork as {@code bin/jtork} does: {@code -jar} the jar that {@code bin/benchmark}
   * names in {@code -Djtork.jar} or the one on this class path (its manifest names its libraries
   * in {@code lib/}; after {@code mvn install} the class path holds Maven's copy instead), else
   * its main class on this class path. Not with this class path whole: that has each library
   * twice (Maven's copy and the manifest's), and every task process the node starts first closes
   * each open jar, 100 more of them costing some 0.5 ms per process.
   */
  static List<String> launch() {
    String jar = System.getProperty("jtork.jar");
    if (jar != null && Files.isRegularFile(Path.of(jar))) return List.of("-jar", jar);
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (entry.endsWith(File.separator + "jtork.jar")) return List.of("-jar", entry);
    }
    return List.of("-cp", System.getProperty("java.class.path"), "io.jtork.cli.JtorkCommand");
  }

  /** A port nothing listens on now. */
  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  long pid() {
    return process.pid();
  }

  /** {@code jcmd <node's pid> <command>} ({@code GC.run}, {@code GC.heap_info}...): what it printed. */
  String jcmd(String command) throws IOException, InterruptedException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process p = new ProcessBuilder(jcmd.toString(), String.valueOf(pid()), command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor(60, TimeUnit.SECONDS);
    return out;
  }

  /** SIGKILL ({@code kill -9}): the node gets no chance to flush or close anything. Its database stays. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    process.waitFor();
    if (database != null) dropDatabase(postgresUrl, database);
  }

  private static void dropDatabase(String postgresUrl, String database) {
    // FORCE ends the node's sessions: a query still running after the node stopped (once, an
    // eventsByTag query ran on for three minutes) must not take the next benchmark's CPU.
    try (var c = DriverManager.getConnection(postgresUrl + "postgres", "postgres", "");
        var st = c.createStatement()) {
      st.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    } catch (java.sql.SQLException e) {
      System.err.println("could not drop the benchmark's database " + database + ": " + e.getMessage());
    }
  }
}
