package io.jtork.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.jtork.json.Json;
import io.jtork.node.JtorkNode;
import io.jtork.node.NodeConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.awaitility.Awaitility;

/**
 * A whole jtork node in this JVM, on a real database (an H2 file in a temporary directory, or
 * a fresh PostgreSQL database dropped afterwards), serving its API on a free port, with a small
 * HTTP client for tests. Public for the command line's tests (io.jtork.cli), which use the parts
 * marked public.
 */
public final class TestNode implements AutoCloseable {
  static final String POSTGRES = System.getenv().getOrDefault("JTORK_TEST_POSTGRES",
      "jdbc:postgresql://127.0.0.1:5432/");
  static final String POSTGRES_USER = System.getenv().getOrDefault("JTORK_TEST_POSTGRES_USER", "postgres");

  final JtorkNode node;
  final ApiServer api;
  public final String base;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String pgDatabase;
  private final Path dir;

  public record Response(int status, String body) {
    public JsonNode json() {
      try {
        return Json.json().readTree(body);
      } catch (Exception e) {
        throw new AssertionError("not JSON (" + status + "): " + body, e);
      }
    }
  }

  private TestNode(JtorkNode node, ApiServer api, String pgDatabase, Path dir) {
    this.node = node;
    this.api = api;
    this.base = "http://127.0.0.1:" + api.port();
    this.pgDatabase = pgDatabase;
    this.dir = dir;
  }

  /** The JDBC URL of this node's own PostgreSQL database (null on H2). */
  String postgresUrl() {
    return pgDatabase == null ? null : POSTGRES + pgDatabase;
  }

  /**
   * A new folder that the test and its shell tasks share: on a node running as root each task runs
   * as a user of its own (docs/shell-tasks.md), who may not enter a folder of the test's alone.
   */
  public static Path taskDir(String prefix) throws java.io.IOException {
    Path d = Files.createTempDirectory(prefix);
    Files.setPosixFilePermissions(d, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
    return d;
  }

  /** A new empty file that shell tasks of any user may write (see {@link #taskDir}). */
  public static Path taskFile(String prefix, String suffix) throws java.io.IOException {
    Path f = Files.createTempFile(prefix, suffix);
    Files.setPosixFilePermissions(f, java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-rw-"));
    return f;
  }

  public static TestNode h2(Map<String, Object> overrides) throws Exception {
    Path dir = Files.createTempDirectory("jtork-test-");
    return start(h2Settings(dir, overrides), null, dir);
  }

  /**
   * A node on H2 in {@code dir}, which it leaves in place when closed, so that another node can
   * open it again; the caller deletes it. {@link #dataDir()} is null.
   */
  static TestNode h2Keeping(Path dir, Map<String, Object> overrides) throws Exception {
    return start(h2Settings(dir, overrides), null, null);
  }

  private static Map<String, Object> h2Settings(Path dir, Map<String, Object> overrides) {
    Map<String, Object> o = new HashMap<>(overrides);
    o.put("jtork.data-dir", dir.toString());
    o.put("jtork.datastore.type", "h2");
    return o;
  }

  static TestNode postgres(Map<String, Object> overrides) throws Exception {
    String db = "jtork_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (Connection c = DriverManager.getConnection(POSTGRES + "postgres", POSTGRES_USER, "");
        Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + db);
    }
    Map<String, Object> o = new HashMap<>(overrides);
    o.put("jtork.datastore.type", "postgres");
    o.put("jtork.datastore.postgres.url", POSTGRES + db);
    o.put("jtork.datastore.postgres.user", POSTGRES_USER);
    o.put("jtork.datastore.postgres.password", "");
    return start(o, db, null);
  }

  private static TestNode start(Map<String, Object> overrides, String pgDatabase, Path dir) throws Exception {
    Map<String, Object> o = new HashMap<>();
    o.put("jtork.http.port", 0);
    o.put("jtork.runtime.type", "shell");
    o.putAll(overrides);
    JtorkNode node = JtorkNode.start(NodeConfig.load(Optional.empty(), o));
    return new TestNode(node, ApiServer.start(node), pgDatabase, dir);
  }

  /** The H2 node's data directory (null on PostgreSQL). */
  Path dataDir() {
    return dir;
  }

  /** A connection to the PostgreSQL node's database (null on H2). */
  Connection postgresConnection() throws java.sql.SQLException {
    return pgDatabase == null ? null : DriverManager.getConnection(POSTGRES + pgDatabase, POSTGRES_USER, "");
  }

  public Response post(String path, String contentType, String body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) b.header("Content-Type", contentType);
    return send(b.build());
  }

  Response postYaml(String yaml) {
    return post("/jobs", "text/yaml", yaml);
  }

  public Response get(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30)).GET().build());
  }

  public Response put(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
        .PUT(HttpRequest.BodyPublishers.noBody()).build());
  }

  Response delete(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30)).DELETE().build());
  }

  java.net.http.HttpHeaders sendForHeaders(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.discarding()).headers();
    } catch (Exception e) {
      throw new AssertionError("request failed: " + request, e);
    }
  }

  Response send(HttpRequest request) {
    try {
      HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
      return new Response(r.statusCode(), r.body());
    } catch (Exception e) {
      throw new AssertionError("request failed: " + request, e);
    }
  }

  /** Submits a YAML job and returns its id. */
  public String submit(String yaml) {
    Response r = postYaml(yaml);
    if (r.status() != 200) throw new AssertionError("submit answered " + r.status() + ": " + r.body());
    return r.json().get("id").asText();
  }

  /** Polls {@code GET /jobs/{id}} until the job is in one of {@code states}. */
  public JsonNode awaitState(String jobId, String... states) {
    return awaitState(jobId, Duration.ofSeconds(30), states);
  }

  public JsonNode awaitState(String jobId, Duration timeout, String... states) {
    JsonNode[] last = new JsonNode[1];
    Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
        .alias("job " + jobId + " reaches " + Arrays.toString(states)).until(() -> {
          last[0] = get("/jobs/" + jobId).json();
          return Arrays.asList(states).contains(last[0].path("state").asText());
        });
    return last[0];
  }

  @Override
  public void close() throws Exception {
    api.close();
    node.close();
    if (pgDatabase != null) {
      try (Connection c = DriverManager.getConnection(POSTGRES + "postgres", POSTGRES_USER, "");
          Statement st = c.createStatement()) {
        st.execute("DROP DATABASE IF EXISTS " + pgDatabase + " WITH (FORCE)");
      }
    }
    if (dir != null) deleteTree(dir);
  }

  /** Deletes {@code dir} and everything under it. */
  static void deleteTree(Path dir) throws java.io.IOException {
    try (var s = Files.walk(dir)) {
      s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
