package io.jtork.multijvm;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;

/**
 * A jtork cluster of forked JVMs on loopback: coordinators (the seed nodes, each with its API)
 * and workers on a fresh PostgreSQL database, which is dropped on close. Nodes can be killed
 * (SIGKILL), stopped (SIGTERM) and started again on the same ports and data directories.
 */
final class LocalCluster implements AutoCloseable {
  static final String POSTGRES = System.getenv().getOrDefault("JTORK_TEST_POSTGRES", "jdbc:postgresql://127.0.0.1:5432/");
  static final String POSTGRES_USER = System.getenv().getOrDefault("JTORK_TEST_POSTGRES_USER", "postgres");

  /** How to start one node again: its mode, ports and data directory. */
  private record Spec(String name, boolean coordinator, int clusterPort, Integer httpPort, Path dataDir) {}

  private final Path dir;
  private final String postgresUrl;
  private final String database;
  private final Map<String, String> env;
  private final List<String> seeds = new ArrayList<>();
  private final Map<String, Spec> specs = new LinkedHashMap<>();
  private final Map<String, ForkedNode> nodes = new LinkedHashMap<>();

  private LocalCluster(Path dir, String postgresUrl, String database, Map<String, String> env) {
    this.dir = dir;
    this.postgresUrl = postgresUrl;
    this.database = database;
    this.env = env;
  }

  /** A cluster on a new database of the test PostgreSQL server. */
  static LocalCluster onTestPostgres(Path dir, Map<String, String> env) throws Exception {
    String db = "jtork_cluster_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    try (Connection c = DriverManager.getConnection(POSTGRES + "postgres", POSTGRES_USER, "");
        Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + db);
    }
    return new LocalCluster(dir, POSTGRES + db, db, env);
  }

  /** A cluster on {@code url} (a database the caller owns; nothing is dropped). */
  static LocalCluster on(Path dir, String url, Map<String, String> env) {
    return new LocalCluster(dir, url, null, env);
  }

  /** Plans and starts the coordinators {@code c1..cN} (all seeds) and the workers {@code w1..wM}. */
  LocalCluster start(int coordinators, int workers) throws Exception {
    for (int i = 1; i <= coordinators; i++) {
      int port = ForkedNode.freePort();
      seeds.add("pekko://jtork@127.0.0.1:" + port);
      specs.put("c" + i, new Spec("c" + i, true, port, ForkedNode.freePort(), dir.resolve("c" + i)));
    }
    for (int i = 1; i <= workers; i++) {
      specs.put("w" + i, new Spec("w" + i, false, ForkedNode.freePort(), null, dir.resolve("w" + i)));
    }
    for (String name : specs.keySet()) start(name);
    awaitWorkers(workers);
    return this;
  }

  /** Starts node {@code name} (again) and waits until it is up. */
  ForkedNode start(String name) throws Exception {
    Spec s = specs.get(name);
    List<String> args = new ArrayList<>(List.of("run", s.coordinator() ? "coordinator" : "worker",
        "--cluster-port", String.valueOf(s.clusterPort()), "--seed-nodes", String.join(",", seeds),
        "--data-dir", s.dataDir().toString()));
    if (s.coordinator()) {
      args.addAll(List.of("--port", String.valueOf(s.httpPort()), "--datastore", "postgres"));
    } else {
      args.addAll(List.of("--runtime", "shell"));
    }
    Map<String, String> e = new HashMap<>(env);
    if (s.coordinator()) {
      e.put("JTORK_DATASTORE_POSTGRES_URL", postgresUrl);
      e.put("JTORK_DATASTORE_POSTGRES_USER", POSTGRES_USER);
    } else {
      // Workers never connect to the database: give them one that does not exist.
      e.put("JTORK_DATASTORE_TYPE", "postgres");
      e.put("JTORK_DATASTORE_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:1/no-database-for-workers");
    }
    ForkedNode node = ForkedNode.start(args, s.dataDir(), s.httpPort(), e);
    nodes.put(name, node);
    return node;
  }

  ForkedNode node(String name) {
    return nodes.get(name);
  }

  int clusterPort(String name) {
    return specs.get(name).clusterPort();
  }

  /** SIGKILL. */
  void kill(String name) throws Exception {
    nodes.get(name).kill();
  }

  /** A graceful stop (SIGTERM), then a start on the same ports and data. */
  void restart(String name) throws Exception {
    nodes.get(name).stop();
    start(name);
  }

  /** A coordinator whose process is alive, to send requests to. */
  ForkedNode api() {
    return specs.values().stream().filter(Spec::coordinator).map(s -> nodes.get(s.name()))
        .filter(n -> n != null && n.isAlive()).findFirst().orElseThrow();
  }

  /**
   * Waits until {@code count} workers are UP in {@code GET /nodes} and every member is Up in
   * {@code GET /cluster}: a member still joining does not count for the split brain resolver, so
   * losing another node before then can leave a tie that downs the wrong side.
   */
  void awaitWorkers(int count) {
    Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
        .until(() -> {
          int up = 0;
          for (JsonNode n : api().get("/nodes")) if (n.get("status").asText().equals("UP")) up++;
          boolean allMembersUp = true;
          for (JsonNode m : api().get("/cluster")) allMembersUp &= m.get("status").asText().equals("UP");
          return up == count && allMembersUp;
        });
  }

  /** The id worker {@code name} reports in {@code GET /nodes} (matched by its cluster port). */
  String workerId(String name) throws Exception {
    for (JsonNode n : api().get("/nodes")) {
      if (n.get("port").asInt() == clusterPort(name)) return n.get("id").asText();
    }
    throw new AssertionError("worker " + name + " is not in /nodes");
  }

  /** The coordinator whose member in {@code GET /cluster} has the most of {@code field}, if it has any. */
  private String coordinatorWithMost(String field) throws Exception {
    String best = null;
    int most = 0;
    for (JsonNode m : api().get("/cluster")) {
      for (Spec s : specs.values()) {
        if (s.coordinator() && m.get("address").asText().endsWith(":" + s.clusterPort())
            && m.get(field).asInt() > most) {
          most = m.get(field).asInt();
          best = s.name();
        }
      }
    }
    return best;
  }

  /** The coordinator whose address hosts the most job shards, by {@code GET /cluster}. */
  String coordinatorWithMostJobShards() throws Exception {
    return coordinatorWithMost("jobShards");
  }

  /** The coordinator that hosts the scheduled-job entities, by {@code GET /cluster}. */
  String coordinatorHostingSchedules() throws Exception {
    String host = coordinatorWithMost("scheduledJobs");
    if (host == null) throw new AssertionError("no coordinator hosts a scheduled job: " + api().get("/cluster"));
    return host;
  }

  @Override
  public void close() throws Exception {
    for (ForkedNode n : nodes.values()) {
      try {
        n.kill();
      } catch (Exception e) {
        // going away anyway
      }
    }
    if (database != null) {
      try (Connection c = DriverManager.getConnection(POSTGRES + "postgres", POSTGRES_USER, "");
          Statement st = c.createStatement()) {
        st.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
      }
    }
  }
}
