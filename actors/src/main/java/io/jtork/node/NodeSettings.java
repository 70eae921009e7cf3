package io.jtork.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValueType;
import io.jtork.auth.Names;
import io.jtork.auth.UserStore;
import io.jtork.store.DatabaseSettings;
import io.jtork.runtime.docker.DockerUnits;
import io.jtork.spec.BindPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * The {@code jtork.*} configuration, read once and checked at start-up so that a bad value
 * stops the node with a message naming the key. Defaults and their environment variables are
 * in {@code conf/jtork.conf}.
 */
public record NodeSettings(
    Path dataDir,
    String httpInterface,
    int httpPort,
    long bodyLimitBytes,
    Duration askTimeout,
    DatabaseSettings database,
    String runtimeType,
    List<String> shellCommand,
    List<String> shellInheritEnv,
    Path shellWorkRoot,
    String shellUid,
    String shellGid,
    String shellUidRange,
    boolean shellSpawner,
    Map<String, Integer> workerQueues,
    Duration workerDefaultTimeout,
    Duration progressInterval,
    Duration passivateAfter,
    int maxRedeliveries,
    int maxEachItems,
    int snapshotEvery,
    Duration deadlineGrace,
    Duration probeTimeout,
    Duration workerDiscoveryTimeout,
    Duration queueTimeout,
    Duration startReportDelay,
    List<String> redactPatterns,
    int logsMaxBuffered,
    String dockerHost,
    String podmanHost,
    String dockerConfig,
    String defaultCpus,
    String defaultMemory,
    Duration pullTimeout,
    BindPolicy bindPolicy,
    int scheduleCatchUpMax,
    boolean webhooksDenyLinkLocal,
    Duration retentionSweepInterval,
    Duration retentionJobs,
    Duration retentionLogs,
    boolean authEnabled,
    String authAdminUsername,
    String authAdminPassword,
    AuthThrottle authThrottle,
    boolean corsEnabled,
    List<String> corsAllowedOrigins,
    boolean rateLimitEnabled,
    int rateLimitPerSecond,
    List<String> seedNodes,
    boolean workerLostCountsAsRetry,
    Duration workerDrainTimeout,
    HttpConnections httpConnections) {

  /** {@code jtork.auth.throttle.*}: how failed sign-ins are throttled and passwords hashed (docs/auth.md). */
  public record AuthThrottle(
      boolean enabled,
      int addressFailures,
      Duration addressPer,
      int userFreeFailures,
      Duration userBaseDelay,
      Duration userMaxDelay,
      Duration userKnownAddressFor,
      Duration forgetAfter,
      int maxKeys,
      int hashThreads,
      int hashQueue) {

    static AuthThrottle from(Config c) {
      String t = "auth.throttle.";
      Duration base = positiveDuration(c, t + "user.base-delay");
      Duration max = positiveDuration(c, t + "user.max-delay");
      if (max.compareTo(base) < 0) {
        throw new ConfigException.BadValue("jtork." + t + "user.max-delay", "must not be shorter than user.base-delay ("
            + base + ")");
      }
      return new AuthThrottle(c.getBoolean(t + "enabled"), positive(c, t + "address.failures"),
          positiveDuration(c, t + "address.per"), positive(c, t + "user.free-failures"), base, max,
          nonNegativeDuration(c, t + "user.known-address-for"), positiveDuration(c, t + "forget-after"),
          positive(c, t + "max-keys"), positive(c, t + "hash-threads"), positive(c, t + "hash-queue"));
    }

    private static Duration nonNegativeDuration(Config c, String path) {
      Duration d = c.getDuration(path);
      if (d.isNegative()) throw new ConfigException.BadValue("jtork." + path, "must not be negative");
      return d;
    }

    private static Duration positiveDuration(Config c, String path) {
      Duration d = c.getDuration(path);
      if (d.isNegative() || d.isZero()) throw new ConfigException.BadValue("jtork." + path, "must be more than 0");
      return d;
    }
  }

  public static NodeSettings from(Config root) {
    Config c = root.getConfig("jtork");
    try {
      Path dataDir = Path.of(c.getString("data-dir")).toAbsolutePath().normalize();
      DatabaseSettings.Kind kind = DatabaseSettings.Kind.parse(c.getString("datastore.type"));
      int pool = c.getInt("datastore.pool-size");
      DatabaseSettings db = kind == DatabaseSettings.Kind.H2
          ? new DatabaseSettings(kind, DatabaseSettings.h2Url(dataDir), "sa", "", pool)
          : new DatabaseSettings(kind, c.getString("datastore.postgres.url"), c.getString("datastore.postgres.user"),
              c.getString("datastore.postgres.password"), pool);
      String runtime = c.getString("runtime.type");
      if (!List.of("auto", "shell", "docker", "podman").contains(runtime)) {
        throw new ConfigException.BadValue("jtork.runtime.type", "must be auto, shell, docker or podman, not \""
            + runtime + "\"");
      }
      String workRoot = c.getString("runtime.shell.workdir-root");
      return new NodeSettings(
          dataDir,
          c.getString("http.interface"),
          c.getInt("http.port"),
          c.getBytes("http.body-limit"),
          c.getDuration("http.ask-timeout"),
          db,
          runtime,
          stringList(c, "runtime.shell.cmd"),
          stringList(c, "runtime.shell.inherit-env"),
          workRoot.isBlank() ? null : Path.of(workRoot),
          c.getString("runtime.shell.uid"),
          c.getString("runtime.shell.gid"),
          c.getString("runtime.shell.uid-range"),
          spawner(c.getString("runtime.shell.spawner")),
          queues(c, "worker.queues"),
          optionalDuration(c, "worker.limits.timeout"),
          c.getDuration("worker.progress-interval"),
          c.getDuration("job.passivate-after"),
          c.getInt("job.max-redeliveries"),
          positive(c, "job.max-each-items"),
          c.getInt("job.snapshot-every"),
          c.getDuration("task.deadline-grace"),
          c.getDuration("task.probe-timeout"),
          c.getDuration("task.worker-discovery-timeout"),
          optionalDuration(c, "task.queue-timeout"),
          c.getDuration("task.start-report-delay"),
          stringList(c, "redact.patterns"),
          c.getInt("logs.max-buffered"),
          dockerHost(c.getString("runtime.docker.host")),
          c.getString("runtime.podman.host"),
          blankToNull(c.getString("runtime.docker.config")),
          limit(c, "worker.limits.cpus", DockerUnits::nanoCpus),
          limit(c, "worker.limits.memory", DockerUnits::memoryBytes),
          c.getDuration("runtime.docker.pull-timeout"),
          new BindPolicy(c.getBoolean("mounts.bind.allowed"), stringList(c, "mounts.bind.sources")),
          positive(c, "schedules.catch-up-max"),
          c.getBoolean("webhooks.deny-link-local"),
          c.getDuration("retention.sweep-interval"),
          optionalDuration(c, "retention.jobs"),
          optionalDuration(c, "retention.logs"),
          c.getBoolean("auth.enabled"),
          adminUsername(c),
          blankToNull(c.getString("auth.admin.password")),
          AuthThrottle.from(c),
          c.getBoolean("http.cors.enabled"),
          stringList(c, "http.cors.allowed-origins"),
          c.getBoolean("http.rate-limit.enabled"),
          positive(c, "http.rate-limit.per-second"),
          seedNodes(stringList(c, "cluster.seed-nodes")),
          c.getBoolean("task.worker-lost-counts-as-retry"),
          c.getDuration("worker.drain-timeout"),
          httpConnections(c));
    } catch (ConfigException e) {
      throw new IllegalArgumentException("invalid configuration: " + e.getMessage(), e);
    }
  }

  /** {@code jtork.http.max-connections}, {@code idle-timeout}, {@code header-timeout}, {@code management-port}. */
  private static HttpConnections httpConnections(Config c) {
    String mgmt = c.getString("http.management-port").trim();
    Integer managementPort = null;
    if (!mgmt.isEmpty()) {
      try {
        managementPort = Integer.parseInt(mgmt);
      } catch (NumberFormatException e) {
        managementPort = -1;
      }
      if (managementPort < 0 || managementPort > 65535) {
        throw new ConfigException.BadValue("jtork.http.management-port", "must be empty (off) or a port from 0 to"
            + " 65535, not \"" + mgmt + "\"");
      }
    }
    return new HttpConnections(positive(c, "http.max-connections"), positiveDuration(c, "http.idle-timeout"),
        positiveDuration(c, "http.header-timeout"), managementPort);
  }

  private static Duration positiveDuration(Config c, String path) {
    Duration d = c.getDuration(path);
    if (d.isNegative() || d.isZero()) throw new ConfigException.BadValue("jtork." + path, "must be longer than 0");
    return d;
  }

  /** {@code jtork.runtime.shell.spawner}: perl (start tasks through {@code Spawner} where Perl can) or none. */
  private static boolean spawner(String value) {
    return switch (value) {
      case "perl" -> true;
      case "none" -> false;
      default -> throw new ConfigException.BadValue("jtork.runtime.shell.spawner", "must be perl or none, not \"" + value + "\"");
    };
  }

  /** A list, or (from an environment variable) a string of space- or comma-separated words. */
  private static List<String> stringList(Config c, String path) {
    if (c.getValue(path).valueType() == ConfigValueType.STRING) {
      return Arrays.stream(c.getString(path).split("[,\\s]+")).filter(s -> !s.isBlank()).toList();
    }
    return c.getStringList(path);
  }

  /** {@code { default = 4, video = 1 }}, or from the environment {@code "default:4,video:1"}. */
  static Map<String, Integer> queues(Config c, String path) {
    Map<String, Integer> out = new LinkedHashMap<>();
    if (c.getValue(path).valueType() == ConfigValueType.STRING) {
      for (String entry : c.getString(path).split(",")) {
        if (entry.isBlank()) continue;
        String[] kv = entry.trim().split("[:=]");
        try {
          out.put(kv[0].trim(), Integer.parseInt(kv[1].trim()));
        } catch (RuntimeException e) {
          throw new ConfigException.BadValue("jtork." + path, "expected name:slots pairs such as \"default:4\", got \""
              + entry.trim() + "\"");
        }
      }
    } else {
      Config q = c.getConfig(path);
      for (String key : q.root().keySet()) out.put(key, q.getInt("\"" + key + "\""));
    }
    out.forEach((k, v) -> {
      if (v < 0) throw new ConfigException.BadValue("jtork." + path + "." + k, "slots must not be negative");
    });
    return out;
  }

  /** {@code jtork.auth.admin.username}, trimmed, if it follows the username rules ({@link Names}). */
  private static String adminUsername(Config c) {
    String raw = c.getString("auth.admin.username");
    if (raw.isEmpty()) return null;
    try {
      return Names.username("username", raw);
    } catch (UserStore.Refused e) {
      throw new ConfigException.BadValue("jtork.auth.admin.username", e.getMessage());
    }
  }

  /** Each seed node must be a Pekko address such as {@code pekko://jtork@10.0.0.1:2551}. */
  private static List<String> seedNodes(List<String> seeds) {
    for (String seed : seeds) {
      if (!seed.matches("pekko://jtork@[^:/\\s]+:\\d+")) {
        throw new ConfigException.BadValue("jtork.cluster.seed-nodes", "\"" + seed
            + "\" is not a node address such as pekko://jtork@10.0.0.1:2551");
      }
    }
    return seeds;
  }

  /** {@code jtork.runtime.docker.host}, else {@code $DOCKER_HOST}, else Docker's default socket. */
  private static String dockerHost(String configured) {
    if (!configured.isBlank()) return configured;
    String env = System.getenv("DOCKER_HOST");
    return env != null && !env.isBlank() ? env : "unix:///var/run/docker.sock";
  }

  /** The admin password never appears in a string form of the settings. */
  @Override
  public String toString() {
    return "NodeSettings[dataDir=" + dataDir + ", http=" + httpInterface + ":" + httpPort + ", datastore="
        + database.kind() + ", runtime=" + runtimeType + ", auth=" + authEnabled + "]";
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  private static String limit(Config c, String path, ToLongFunction<String> check) {
    String s = c.getString(path);
    if (s.isBlank()) return null;
    try {
      check.applyAsLong(s); // only to refuse a bad value at start-up
    } catch (IllegalArgumentException e) {
      throw new ConfigException.BadValue("jtork." + path, e.getMessage());
    }
    return s;
  }

  private static int positive(Config c, String path) {
    int v = c.getInt(path);
    if (v < 1) throw new ConfigException.BadValue("jtork." + path, "must be at least 1, not " + v);
    return v;
  }

  private static Duration optionalDuration(Config c, String path) {
    String s = c.getString(path);
    return s.isBlank() ? null : c.getDuration(path);
  }
}
