package io.jtork.cli;

import io.jtork.api.ApiServer;
import io.jtork.cluster.Roles;
import io.jtork.node.JtorkNode;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.pekko.cluster.typed.Cluster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code jtork run <mode>}: standalone, coordinator or worker. */
@Command(name = "run", description = "Start a node.",
    subcommands = {RunCommand.Standalone.class, RunCommand.Coordinator.class, RunCommand.Worker.class})
final class RunCommand implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(RunCommand.class);
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(),
        "choose a mode: standalone, coordinator or worker");
  }

  /** Options of the cluster modes. */
  static final class ClusterOptions {
    @Option(names = "--seed-nodes", paramLabel = "ADDRESSES",
        description = "Comma-separated nodes to join, such as pekko://jtork@10.0.0.1:2551 (jtork.cluster.seed-nodes).")
    String seedNodes;

    @Option(names = "--cluster-port", paramLabel = "N", description = "Port for cluster traffic (0 picks a free one).")
    Integer clusterPort;

    @Option(names = "--cluster-host", paramLabel = "HOST",
        description = "Host name or address other nodes reach this one at (default 127.0.0.1).")
    String clusterHost;

    void apply(Map<String, Object> overrides) {
      if (seedNodes != null) overrides.put("jtork.cluster.seed-nodes", seedNodes);
      if (clusterPort != null) overrides.put("pekko.remote.artery.canonical.port", clusterPort);
      if (clusterHost != null) overrides.put("pekko.remote.artery.canonical.hostname", clusterHost);
    }
  }

  /** Starts a node in {@code role}, with the API when it coordinates, and runs until it stops. */
  static int runNode(NodeOptions node, Map<String, Object> overrides, Roles role) throws Exception {
    JtorkNode n;
    try {
      n = JtorkNode.start(node.load(overrides), role);
    } catch (IllegalArgumentException e) {
      System.err.println("jtork: " + e.getMessage());
      return 2;
    } catch (IllegalStateException e) {
      // What the node needs is not there (the database, the container daemon): the message names
      // it; a stack trace would only bury it. The trace stays in the log at DEBUG.
      log.debug("the node could not start", e);
      System.err.println("jtork: the node could not start: " + e.getMessage());
      return 1;
    }
    ApiServer api = null;
    if (role.coordinates()) {
      try {
        api = ApiServer.start(n);
      } catch (Exception e) {
        System.err.println("jtork: could not serve the API on " + n.settings().httpInterface() + ":"
            + n.settings().httpPort() + ": " + rootMessage(e));
        n.close();
        return 1;
      }
    }
    var self = n.system().address();
    StringBuilder up = new StringBuilder("jtork ").append(role.mode()).append(" is up");
    if (api != null) up.append(": http://").append(n.settings().httpInterface()).append(":").append(api.port());
    if (api != null && api.managementPort().isPresent()) {
      up.append(", health on http://").append(n.settings().httpInterface()).append(":")
          .append(api.managementPort().getAsInt()).append("/health");
    }
    up.append(" (cluster ").append(Cluster.get(n.system()).selfMember().address());
    if (n.runtime() != null) up.append(", runtime ").append(n.runtime().name());
    if (n.database() != null) {
      up.append(", ").append(n.settings().database().kind().name().toLowerCase()).append(" at ")
          .append(n.settings().database().displayUrl());
    }
    System.out.println(up.append(")"));
    CountDownLatch stopped = new CountDownLatch(1);
    ApiServer served = api;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      if (served != null) served.close();
      n.close();
      stopped.countDown();
    }, "jtork-shutdown"));
    n.system().getWhenTerminated().toCompletableFuture().join();
    if (n.wasDowned()) {
      // Not stopped by a signal: the node left the cluster (it was downed). Exit so a supervisor restarts it.
      // The shutdown hook closes the rest on the way out.
      System.err.println("jtork: this node (" + self + ") was downed and left the cluster; exiting");
      return 3;
    }
    stopped.await();
    return 0;
  }

  private static String rootMessage(Throwable e) {
    while (e.getCause() != null) e = e.getCause();
    return e.getMessage();
  }

  /** The REST API's port (standalone, coordinator). */
  static final class ApiOptions {
    @Option(names = "--port", paramLabel = "N", description = "Port of the REST API (default 8000).")
    Integer port;

    @Option(names = "--management-port", paramLabel = "N",
        description = "A port serving /health alone, which answers while the API's connections are all taken"
            + " (jtork.http.management-port; default off).")
    Integer managementPort;

    void apply(Map<String, Object> overrides) {
      if (port != null) overrides.put("jtork.http.port", port);
      if (managementPort != null) overrides.put("jtork.http.management-port", managementPort);
    }
  }

  /** Where tasks run (standalone, worker). */
  static final class RuntimeOptions {
    @Option(names = "--runtime", paramLabel = "auto|shell|docker|podman", description = "Where tasks run (default auto).")
    String runtime;

    void apply(Map<String, Object> overrides) {
      if (runtime != null) overrides.put("jtork.runtime.type", runtime);
    }
  }

  /** Coordinator and worker in one JVM, a single-node cluster on an embedded database by default. */
  @Command(name = "standalone", mixinStandardHelpOptions = true,
      description = "Run the API, the jobs and a worker in one process.")
  static final class Standalone implements Callable<Integer> {
    @Mixin NodeOptions node;
    @Mixin ApiOptions api;
    @Mixin RuntimeOptions runtime;

    @Override
    public Integer call() throws Exception {
      Map<String, Object> overrides = new HashMap<>();
      api.apply(overrides);
      runtime.apply(overrides);
      return runNode(node, overrides, Roles.STANDALONE);
    }
  }

  /** The API, the job and scheduled-job shards, the queues and the projections; no tasks. */
  @Command(name = "coordinator", mixinStandardHelpOptions = true,
      description = "Run the API, the jobs, the schedules and the queues of a cluster (needs PostgreSQL).")
  static final class Coordinator implements Callable<Integer> {
    @Mixin NodeOptions node;
    @Mixin ClusterOptions cluster;
    @Mixin ApiOptions api;

    @Override
    public Integer call() throws Exception {
      Map<String, Object> overrides = new HashMap<>();
      api.apply(overrides);
      cluster.apply(overrides);
      return runNode(node, overrides, Roles.COORDINATOR_ONLY);
    }
  }

  /** A worker: runs tasks for the coordinators; needs no database. */
  @Command(name = "worker", mixinStandardHelpOptions = true,
      description = "Run tasks for a cluster's coordinators (no database, no API).")
  static final class Worker implements Callable<Integer> {
    @Mixin NodeOptions node;
    @Mixin ClusterOptions cluster;
    @Mixin RuntimeOptions runtime;

    @Option(names = "--queues", paramLabel = "NAME:SLOTS,...", description = "Queues served (default default:4).")
    String queues;

    @Override
    public Integer call() throws Exception {
      Map<String, Object> overrides = new HashMap<>();
      runtime.apply(overrides);
      if (queues != null) overrides.put("jtork.worker.queues", queues);
      cluster.apply(overrides);
      return runNode(node, overrides, Roles.WORKER_ONLY);
    }
  }
}
