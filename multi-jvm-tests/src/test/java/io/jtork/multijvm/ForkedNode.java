package io.jtork.multijvm;

import com.fasterxml.jackson.databind.JsonNode;
import io.jtork.json.Json;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/** A jtork node in its own JVM, started from this test's class path, with a small HTTP client. */
final class ForkedNode implements AutoCloseable {
  private final Process process;
  final int port;
  final Path log;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private ForkedNode(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** Starts {@code jtork run standalone} on {@code dataDir} and waits until {@code /health} is UP. */
  static ForkedNode standalone(Path dataDir, int port, String... extra) throws IOException, InterruptedException {
    return standalone(dataDir, port, "shell", java.util.Map.of(), extra);
  }

  /** As above, on {@code runtime} ({@code shell}, {@code docker}...), with extra environment variables. */
  static ForkedNode standalone(Path dataDir, int port, String runtime, java.util.Map<String, String> env, String... extra)
      throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of("run", "standalone", "--port", String.valueOf(port),
        "--data-dir", dataDir.toString(), "--runtime", runtime));
    args.addAll(Arrays.asList(extra));
    return start(args, dataDir, port, env);
  }

  /**
   * Starts {@code jtork} with {@code args} in a new JVM, its output in a log file under
   * {@code dataDir}, and waits until it is up: {@code /health} UP when it serves the API
   * ({@code httpPort} not null), else its "is up" line.
   */
  static ForkedNode start(List<String> args, Path dataDir, Integer httpPort, java.util.Map<String, String> env)
      throws IOException, InterruptedException {
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(java, "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-Dpekko.actor.serialize-messages=on", "-cp", classpath, "io.jtork.cli.JtorkCommand"));
    cmd.addAll(args);
    Files.createDirectories(dataDir);
    Path log = dataDir.resolve("node-" + System.nanoTime() + ".log");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    // A test that times out is abandoned, not closed: its nodes must not outlive the test JVM.
    Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
    ForkedNode node = new ForkedNode(p, httpPort == null ? -1 : httpPort, log);
    try {
      Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
          .until(() -> {
            if (!p.isAlive()) throw new AssertionError("the node exited: " + Files.readString(log));
            if (httpPort == null) return Files.readString(log).contains(" is up");
            return node.get("/health").path("status").asText().equals("UP");
          });
    } catch (RuntimeException | Error e) {
      node.kill();
      throw new AssertionError("node " + args + " did not come up; its log:\n" + Files.readString(log), e);
    }
    return node;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Sends a signal ({@code STOP}, {@code CONT}...) to the node's JVM. */
  void signal(String name) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).inheritIO().start();
    if (kill.waitFor() != 0) throw new AssertionError("kill -" + name + " " + process.pid() + " failed");
  }

  /** Waits up to {@code timeout} for the JVM to exit; its exit code. */
  int awaitExit(Duration timeout) throws Exception {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) throw new AssertionError("still running: " + log);
    return process.exitValue();
  }

  /** SIGTERM, and waits for the node to stop (a graceful stop: it leaves the cluster, a worker drains). */
  void stop() throws Exception {
    process.destroy();
    if (!process.waitFor(90, TimeUnit.SECONDS)) throw new AssertionError("node did not stop within 90 s: " + log);
  }

  /** Ports handed out by {@link #freePort()} in this JVM. */
  private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /**
   * A port free now and not handed out before in this JVM: the kernel may give the port it just
   * freed again, and a node given one port for its cluster and its API could not start.
   */
  static int freePort() throws IOException {
    while (true) {
      try (ServerSocket s = new ServerSocket(0)) {
        if (HANDED_OUT.add(s.getLocalPort())) return s.getLocalPort();
      }
    }
  }

  long pid() {
    return process.pid();
  }

  /** SIGKILL: no shutdown hook, no graceful stop. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  JsonNode get(String path) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(15)).GET().build(), HttpResponse.BodyHandlers.ofString());
    return Json.json().readTree(r.body());
  }

  /** An answer: its status and body. */
  record Answer(int status, String body) {}

  /** {@code method path} with a YAML body (or none), waiting at most {@code timeout} for the answer. */
  Answer send(String method, String path, String yaml, Duration timeout) throws Exception {
    return send(method, path, yaml, timeout, java.util.Map.of());
  }

  /** As above, with these request headers. */
  Answer send(String method, String path, String yaml, Duration timeout, java.util.Map<String, String> headers)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(timeout)
        .method(method, yaml == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(yaml));
    if (yaml != null) b.header("Content-Type", "text/yaml");
    headers.forEach(b::header);
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Answer(r.statusCode(), r.body());
  }

  JsonNode postYaml(String yaml) throws Exception {
    return postYaml("/jobs", yaml);
  }

  /** POSTs a YAML document to {@code path} and returns the answer, which must be a 200. */
  JsonNode postYaml(String path, String yaml) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(15)).header("Content-Type", "text/yaml")
        .POST(HttpRequest.BodyPublishers.ofString(yaml)).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) throw new AssertionError("POST " + path + " answered " + r.statusCode() + ": " + r.body());
    return Json.json().readTree(r.body());
  }

  @Override
  public void close() throws Exception {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) kill();
    }
  }
}
