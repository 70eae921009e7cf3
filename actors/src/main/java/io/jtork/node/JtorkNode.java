package io.jtork.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.jtork.auth.UserStore;
import io.jtork.cluster.Roles;
import io.jtork.dispatch.WorkerAddress;
import io.jtork.dispatch.WorkerCommand;
import io.jtork.encryption.SealedJacksonSerializer;
import io.jtork.expr.Expressions;
import io.jtork.job.JobClient;
import io.jtork.job.JobEntity;
import io.jtork.job.TaskFactory;
import io.jtork.logs.TaskLogWriter;
import io.jtork.metrics.JtorkMetrics;
import io.jtork.model.Ids;
import io.jtork.projection.JobsProjection;
import io.jtork.projection.ReadModelReplay;
import io.jtork.projection.ScheduledJobsProjection;
import io.jtork.queue.TaskQueue;
import io.jtork.retention.RetentionSweeper;
import io.jtork.redact.Redactor;
import io.jtork.runtime.Runtimes;
import io.jtork.runtime.TaskRuntime;
import io.jtork.runtime.docker.DockerSettings;
import io.jtork.runtime.shell.TaskUsers;
import io.jtork.scheduled.ScheduledJobClient;
import io.jtork.scheduled.ScheduledJobEntity;
import io.jtork.runtime.shell.ShellRuntime;
import io.jtork.store.Database;
import io.jtork.store.DatabaseSettings;
import io.jtork.store.H2Maintenance;
import io.jtork.store.JobReadModel;
import io.jtork.store.Migrations;
import io.jtork.store.ScheduledJobReadModel;
import io.jtork.store.Snapshots;
import io.jtork.store.TaskLogStore;
import io.jtork.webhook.WebhookSender;
import io.jtork.webhook.Webhooks;
import io.jtork.worker.WorkerNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running jtork node. {@link #start(Config, Roles)} starts what its role hosts: on a
 * coordinator it migrates the schema (failing loudly), opens the database and starts the job,
 * scheduled-job and queue shards, the read-model projections, the retention sweeper and the task
 * log writer; on a worker, a {@link WorkerNode} and its runtime; a standalone node does both in a
 * single-node cluster. {@link #database()} is null on a worker, {@link #runtime()} and
 * {@link #worker()} on a coordinator.
 */
public final class JtorkNode implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(JtorkNode.class);

  private final NodeSettings settings;
  private final Roles role;
  private final ActorSystem<Void> system;
  private final Database database;
  private final AutoCloseable maintenance;
  private final TaskRuntime runtime;
  private final WorkerNode.Identity worker;
  private final Expressions expressions;
  private final Redactor redactor;

  private JtorkNode(NodeSettings settings, Roles role, ActorSystem<Void> system, Database database,
      AutoCloseable maintenance, TaskRuntime runtime, WorkerNode.Identity worker, Expressions expressions,
      Redactor redactor) {
    this.settings = settings;
    this.role = role;
    this.system = system;
    this.database = database;
    this.maintenance = maintenance;
    this.runtime = runtime;
    this.worker = worker;
    this.expressions = expressions;
    this.redactor = redactor;
  }

  private static DockerSettings dockerSettings(NodeSettings s, String name, String host, String workerId) {
    return new DockerSettings(name, host, s.dockerConfig(), workerId, s.defaultCpus(), s.defaultMemory(), s.pullTimeout());
  }

  /** A standalone node: coordinator and worker in one JVM, a single-node cluster. */
  public static JtorkNode start(Config config) throws Exception {
    return start(config, Roles.STANDALONE);
  }

  /**
   * Starts a node in {@code role}. A coordinator migrates the schema (failing loudly) and opens
   * the database; a worker touches neither. A standalone node joins itself; the others join the
   * seed nodes of {@code jtork.cluster.seed-nodes}.
   */
  public static JtorkNode start(Config config, Roles role) throws Exception {
    NodeSettings settings = NodeSettings.from(config);
    if (role != Roles.STANDALONE && settings.seedNodes().isEmpty()) {
      throw new IllegalArgumentException("a " + role.mode() + " needs seed nodes to join: set jtork.cluster.seed-nodes"
          + " (JTORK_CLUSTER_SEED_NODES=\"pekko://jtork@host:2551,...\") or use --seed-nodes");
    }
    Config full = clusterConfig(settings, role).withFallback(
        role.coordinates() ? persistenceConfig(settings).withFallback(config) : config).resolve();
    Database database = null;
    AutoCloseable maintenance = () -> {};
    if (role.coordinates()) {
      if (settings.database().kind() == DatabaseSettings.Kind.H2) Files.createDirectories(settings.dataDir());
      var migrated = Migrations.migrate(settings.database());
      log.info("schema on {} is at version {} ({} migration(s) applied now)", settings.database().displayUrl(),
          migrated.targetSchemaVersion == null ? "current" : migrated.targetSchemaVersion, migrated.migrationsExecuted);
      if (SealedJacksonSerializer.key(full.getString("jtork.secrets.key")) == null) {
        log.warn("jtork.secrets.key is not set: job secrets are stored unencrypted in the journal and snapshots"
            + " (set JTORK_SECRETS_KEY to a base64 AES key, e.g. from `openssl rand -base64 32`)");
      }
      database = Database.open(settings.database(), "jtork-read-model");
      try {
        bootstrapAdmin(settings, new UserStore(database));
      } catch (Exception e) {
        database.close();
        throw e;
      }
      maintenance = H2Maintenance.start(database, 1_000);
    }
    TaskRuntime runtime = null;
    if (role.works()) {
      String workerId = WorkerIdentity.stableId(settings.dataDir());
      try {
        runtime = Runtimes.choose(settings.runtimeType(),
            () -> shellRuntime(settings, workerId),
            dockerSettings(settings, "docker", settings.dockerHost(), workerId),
            dockerSettings(settings, "podman", settings.podmanHost(), workerId));
      } catch (RuntimeException e) {
        closeQuietly(maintenance, database, null);
        throw e;
      }
    }
    Expressions expressions = new Expressions();
    Redactor redactor = new Redactor(settings.redactPatterns());
    String nodeId = Ids.newNodeId();
    ActorSystem<Void> system;
    try {
      system = ActorSystem.create(Behaviors.empty(), "jtork", full);
    } catch (RuntimeException e) {
      closeQuietly(maintenance, database, runtime);
      throw e;
    }
    Cluster cluster = Cluster.get(system);
    // Seed nodes from the configuration are joined by Pekko itself; a standalone node joins itself.
    if (role == Roles.STANDALONE) cluster.manager().tell(Join.create(cluster.selfMember().address()));

    // Every node starts the queue region (a proxy on a worker): workers offer their slots to queues.
    TaskQueue.init(system);
    if (role.coordinates()) {
      if (database.settings().kind() == DatabaseSettings.Kind.H2) JtorkMetrics.get(system).h2File(database);
      JobEntity.init(system, new JobEntity.Settings(new TaskFactory(expressions, redactor), expressions, settings.passivateAfter(),
          settings.maxRedeliveries(), settings.maxEachItems(), settings.workerLostCountsAsRetry(), settings.snapshotEvery(),
          new Snapshots(database), JobEntity.taskActorSettings(settings.deadlineGrace(), settings.probeTimeout(),
              settings.workerDiscoveryTimeout(), settings.queueTimeout(), settings.startReportDelay()),
          new Webhooks(expressions, redactor), new WebhookSender(system.dispatchers().lookup(
              DispatcherSelector.fromConfig("jtork.blocking-dispatcher")),
              settings.webhooksDenyLinkLocal(), Duration.ofSeconds(5))));
      ScheduledJobEntity.init(system, new ScheduledJobEntity.Settings(new JobClient(system, settings.askTimeout()),
          settings.scheduleCatchUpMax(), settings.passivateAfter(), Duration.ofSeconds(30), Duration.ofSeconds(2)));
      JobsProjection.init(system, database, redactor);
      ScheduledJobsProjection.init(system, database, redactor);
      ReadModelReplay.warnIfPaused(database);
      RetentionSweeper.init(system, new RetentionSweeper.Settings(settings.retentionSweepInterval(),
              settings.retentionJobs(), settings.retentionLogs(), 500), new JobReadModel(database),
          new TaskLogStore(database), new JobClient(system, settings.askTimeout()),
          system.dispatchers().lookup(DispatcherSelector.fromConfig(
              "jtork.blocking-dispatcher")));
      system.systemActorOf(TaskLogWriter.create(new TaskLogStore(database), settings.logsMaxBuffered()),
          "task-log-writer", Props.empty());
    }
    WorkerNode.Identity identity = null;
    if (role.works()) {
      identity = new WorkerNode.Identity(nodeId, WorkerAddress.of(cluster.selfMember().uniqueAddress()),
          runtime.name());
      var worker = system.systemActorOf(workerBehavior(settings, identity, runtime), "worker",
          Props.empty());
      drainOnStop(system, worker, settings.workerDrainTimeout());
    }
    log.info("jtork {} {} started{}{}", role.mode(), nodeId,
        role.coordinates() ? ": " + settings.database().kind() + " database" : "",
        role.works() ? (role.coordinates() ? ", " : ": ") + runtime.name() + " runtime" : "");
    return new JtorkNode(settings, role, system, database, maintenance, runtime, identity, expressions, redactor);
  }

  /**
   * On a graceful stop the worker finishes its running tasks first (up to the drain timeout), so
   * a rolling restart retries nothing. A node that was downed (it lost the cluster) does not
   * wait: its tasks may already run elsewhere, so they are killed at once (fencing).
   */
  private static void drainOnStop(ActorSystem<Void> system,
      ActorRef<WorkerCommand> worker, Duration timeout) {
    var shutdown = CoordinatedShutdown.get(system);
    shutdown.addTask(CoordinatedShutdown.PhaseBeforeServiceUnbind(), "jtork-worker-drain",
        () -> {
          if (wasDowned(system)) {
            log.warn("this node was downed (it lost the cluster): its running tasks are killed, not drained");
            return CompletableFuture.completedFuture(Done.done());
          }
          return AskPattern.<WorkerCommand,
              Done>ask(worker, r -> new WorkerNode.Drain(timeout, r), timeout.plusSeconds(2),
              system.scheduler()).exceptionally(e -> Done.done());
        });
  }

  /** Whether the system is stopping (or stopped) because the cluster downed this node. */
  static boolean wasDowned(ActorSystem<?> system) {
    var reason = CoordinatedShutdown.get(system).getShutdownReason();
    return reason.isPresent() && reason.get() == CoordinatedShutdown.clusterDowningReason();
  }

  /** Whether this node stopped because the cluster downed it (it lost the cluster), not on request. */
  public boolean wasDowned() {
    return wasDowned(system);
  }

  /** The node's cluster roles, seed nodes and (for cluster modes) remoting port. */
  static Config clusterConfig(NodeSettings s, Roles role) {
    Map<String, Object> c = new HashMap<>();
    c.put("pekko.cluster.roles", List.copyOf(role.clusterRoles()));
    c.put("pekko.cluster.seed-nodes", role == Roles.STANDALONE ? List.of() : s.seedNodes());
    return ConfigFactory.parseMap(c, "jtork role " + role.mode());
  }

  /**
   * The shell runtime, with tasks running as {@code jtork.runtime.shell.uid}: when that is not
   * the node's own user, its data directory becomes the node's alone ({@code rwx------}) and the
   * tasks' directories live outside it, where they can reach them.
   */
  private static ShellRuntime shellRuntime(NodeSettings settings, String workerId) {
    int self = TaskUsers.currentUid();
    TaskUsers users = TaskUsers.of(settings.shellUid(), settings.shellGid(),
        settings.shellUidRange(), self);
    int slots = settings.workerQueues().values().stream().mapToInt(Integer::intValue).sum();
    if (slots > users.capacity()) {
      throw new IllegalArgumentException("jtork.runtime.shell.uid-range (" + settings.shellUidRange() + ") holds "
          + users.capacity() + " users, fewer than the " + slots + " tasks jtork.worker.queues runs at once");
    }
    Path root = settings.shellWorkRoot();
    if (users.switches()) {
      try {
        Files.setPosixFilePermissions(settings.dataDir(),
            PosixFilePermissions.fromString("rwx------"));
      } catch (IOException | UnsupportedOperationException e) {
        throw new IllegalStateException("shell tasks run as " + users.describe() + ", and the data directory "
            + settings.dataDir() + " cannot be made the node's alone: " + e.getMessage(), e);
      }
      if (root == null) root = Path.of(System.getProperty("java.io.tmpdir"), "jtork-runs-" + workerId);
      log.info("shell tasks run as {}", users.describe());
    } else {
      if (root == null) root = settings.dataDir().resolve("runs");
      if (self == 0) {
        log.warn("shell tasks run as root, as jtork.runtime.shell.uid says: a task can read and change everything this node can");
      } else {
        log.info("shell tasks run as the node's own user (uid {}): a task can read what the node can; see docs/shell-tasks.md",
            self);
      }
    }
    return new ShellRuntime(settings.shellCommand(), root, settings.shellInheritEnv(), users, settings.shellSpawner());
  }

  private static void closeQuietly(AutoCloseable maintenance, Database database, TaskRuntime runtime) {
    try {
      maintenance.close();
    } catch (Exception e) {
      log.warn("could not stop the database maintenance: {}", e.toString());
    }
    if (database != null) database.close();
    if (runtime != null) runtime.close();
  }

  /** With auth on: creates the configured administrator if missing; refuses to start with no way in. */
  private static void bootstrapAdmin(NodeSettings s, UserStore users) throws Exception {
    if (!s.authEnabled()) return;
    if (s.authAdminUsername() != null && s.authAdminPassword() != null
        && users.find(s.authAdminUsername()).isEmpty()) {
      users.createUser(s.authAdminUsername(), "Administrator", s.authAdminPassword(), true);
      log.info("created the administrator {}", s.authAdminUsername());
    }
    if (users.count() == 0) {
      throw new IllegalArgumentException("jtork.auth.enabled is on but there is no user: set jtork.auth.admin.username"
          + " and jtork.auth.admin.password (JTORK_AUTH_ADMIN_USERNAME, JTORK_AUTH_ADMIN_PASSWORD)");
    }
  }

  public UserStore users() {
    return new UserStore(database);
  }

  private static Behavior<WorkerCommand> workerBehavior(NodeSettings s, WorkerNode.Identity id,
      TaskRuntime runtime) {
    return WorkerNode.create(new WorkerNode.Settings(s.workerQueues(), s.workerDefaultTimeout(),
        s.progressInterval()), id, runtime);
  }

  /** The journal, snapshot store and projection on the configured database. */
  static Config persistenceConfig(NodeSettings s) {
    DatabaseSettings db = s.database();
    String file = db.kind() == DatabaseSettings.Kind.H2 ? "persistence-h2.conf" : "persistence-postgres.conf";
    Map<String, Object> conn = new HashMap<>();
    conn.put("pekko-persistence-jdbc.shared-databases.slick.db.url", db.url());
    conn.put("pekko-persistence-jdbc.shared-databases.slick.db.user", db.user());
    conn.put("pekko-persistence-jdbc.shared-databases.slick.db.password", db.password());
    return ConfigFactory.parseMap(conn).withFallback(ConfigFactory.parseResources(file));
  }

  public NodeSettings settings() {
    return settings;
  }

  public ActorSystem<Void> system() {
    return system;
  }

  public Database database() {
    return database;
  }

  public TaskRuntime runtime() {
    return runtime;
  }

  public WorkerNode.Identity worker() {
    return worker;
  }

  public Expressions expressions() {
    return expressions;
  }

  public Redactor redactor() {
    return redactor;
  }

  public JobClient jobs() {
    return new JobClient(system, settings.askTimeout());
  }

  public ScheduledJobClient scheduledJobs() {
    return new ScheduledJobClient(system, settings.askTimeout());
  }

  public ScheduledJobReadModel scheduledReadModel() {
    return new ScheduledJobReadModel(database);
  }

  public JobReadModel readModel() {
    return new JobReadModel(database);
  }

  public TaskLogStore logs() {
    return new TaskLogStore(database);
  }

  /** Stops the node: actors first (they may still write), then the pool and the runtime. */
  @Override
  public void close() {
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("the actor system did not stop within 30s: {}", e.toString());
    }
    closeQuietly(maintenance, database, runtime);
  }

  public Roles role() {
    return role;
  }

  public Duration askTimeout() {
    return settings.askTimeout();
  }
}
