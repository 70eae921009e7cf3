package io.jtork.runtime.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.PullImageResultCallback;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.AuthConfig;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.command.InspectVolumeResponse;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import com.github.dockerjava.api.model.Network;
import com.github.dockerjava.api.model.TmpfsOptions;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.core.NameParser;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import io.jtork.runtime.OutputSink;
import io.jtork.runtime.RunningStep;
import io.jtork.runtime.StepFailure;
import io.jtork.runtime.StepSpec;
import io.jtork.runtime.TaskRuntime;
import io.jtork.spec.GoDuration;
import io.jtork.spec.MountSpec;
import io.jtork.spec.ProbeSpec;
import io.jtork.spec.RegistrySpec;
import io.jtork.spec.SidecarSpec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs steps as containers through docker-java. Per step: the image (pulled once when missing,
 * however many tasks want it at the same moment), a {@code /tork} volume holding the run script
 * ({@code entrypoint}), {@code stdout} ({@code $TORK_OUTPUT}) and {@code progress}
 * ({@code $TORK_PROGRESS}), and the container. Per task attempt, shared by its pre, main and
 * post steps: the {@code volume} mounts, and the sidecars with their bridge network. The
 * attempt's objects are removed by {@link #release}; a worker that starts removes whatever
 * carries its worker label, left by an earlier life that was killed.
 */
public final class DockerRuntime implements TaskRuntime {
  static final String LABEL_WORKER = "io.jtork.worker";
  static final String LABEL_JOB = "io.jtork.job";
  static final String LABEL_TASK = "io.jtork.task";
  static final String LABEL_ATTEMPT = "io.jtork.attempt";
  static final String LABEL_STEP = "io.jtork.step";
  private static final Logger log = LoggerFactory.getLogger(DockerRuntime.class);

  private final DockerSettings settings;
  private final DockerClientConfig config;
  /** For waits, log streams and pulls, which last as long as they last. */
  private final DockerClient docker;
  /** For every other call: a daemon that stops answering fails the call instead of hanging it. */
  private final DockerClient calls;
  private final DockerClient pinger;
  private final ExecutorService io;
  private final ScheduledExecutorService timer;
  private final Map<String, CompletableFuture<Void>> pulls = new ConcurrentHashMap<>();
  private final Map<String, Attempt> attempts = new ConcurrentHashMap<>();
  private final HttpClient probes = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
  private final AtomicInteger pullsStarted = new AtomicInteger();
  /** Steps whose container is not removed yet: {@link #close} gives them a moment. */
  private final Set<CompletableFuture<Void>> inFlight = ConcurrentHashMap.newKeySet();
  private volatile boolean healthy = true;
  /**
   * What the daemon refused to remove (it does, for a moment: a storage driver that fails to
   * remove a container's files, a volume still in use by a container being removed): removed at
   * the next health checks, so that nothing of a finished task stays.
   */
  private final Map<Leftover, Integer> unremoved = new ConcurrentHashMap<>();
  /** How many health checks try again, a minute's worth; after, the worker's next start removes it. */
  private static final int REMOVAL_RETRIES = 30;

  private enum Kind { CONTAINER, VOLUME, NETWORK }

  private record Leftover(Kind kind, String id) {
    @Override
    public String toString() {
      return kind.name().toLowerCase(java.util.Locale.ROOT) + " " + id;
    }
  }

  /** What a task attempt owns across its steps. */
  private static final class Attempt {
    final String attemptId;
    final Map<Integer, String> volumes = new ConcurrentHashMap<>();
    final List<CompletableFuture<?>> steps = new ArrayList<>();
    volatile String network;
    final List<String> sidecars = new ArrayList<>();

    Attempt(String attemptId) {
      this.attemptId = attemptId;
    }
  }

  private DockerRuntime(DockerSettings settings) {
    this.settings = settings;
    DefaultDockerClientConfig.Builder b = DefaultDockerClientConfig.createDefaultConfigBuilder()
        .withDockerHost(settings.host());
    if (settings.configDir() != null) b.withDockerConfig(settings.configDir());
    this.config = b.build();
    // Waiting for a container and following its logs are long calls: no response timeout there.
    this.docker = client(config, 200, Duration.ofSeconds(5), null);
    this.calls = client(config, 200, Duration.ofSeconds(5), Duration.ofMinutes(2));
    this.pinger = client(config, 2, Duration.ofSeconds(2), Duration.ofSeconds(3));
    AtomicInteger n = new AtomicInteger();
    this.io = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "jtork-" + settings.runtimeName() + "-io-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "jtork-" + settings.runtimeName() + "-health");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Connects to the daemon, removes what an earlier life of this worker left behind, and starts
   * watching the daemon's health. Throws with a message naming the address when the daemon does
   * not answer.
   */
  public static DockerRuntime connect(DockerSettings settings) {
    DockerRuntime r = new DockerRuntime(settings);
    try {
      r.pinger.pingCmd().exec();
    } catch (RuntimeException e) {
      r.close();
      throw new IllegalStateException("the " + settings.runtimeName() + " daemon at " + settings.host()
          + " does not answer: " + describe(e), e);
    }
    int removed = r.removeLeftovers();
    if (removed > 0) log.warn("removed {} containers, volumes and networks an earlier run of this worker left behind", removed);
    r.timer.scheduleWithFixedDelay(r::checkHealth, 2, 2, TimeUnit.SECONDS);
    return r;
  }

  private static DockerClient client(DockerClientConfig config, int maxConnections, Duration connect,
      Duration response) {
    ApacheDockerHttpClient.Builder b = new ApacheDockerHttpClient.Builder().dockerHost(config.getDockerHost())
        .sslConfig(config.getSSLConfig()).maxConnections(maxConnections).connectionTimeout(connect);
    if (response != null) b.responseTimeout(response);
    return DockerClientImpl.getInstance(config, b.build());
  }

  /** Whether a daemon answers at {@code host} within a few seconds. */
  public static boolean answers(String host) {
    DockerClientConfig c = DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(host).build();
    try (DockerClient d = client(c, 2, Duration.ofSeconds(2), Duration.ofSeconds(3))) {
      d.pingCmd().exec();
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  @Override
  public String name() {
    return settings.runtimeName();
  }

  @Override
  public boolean isHealthy() {
    return healthy;
  }

  private void checkHealth() {
    boolean ok;
    try {
      pinger.pingCmd().exec();
      ok = true;
    } catch (RuntimeException e) {
      ok = false;
      if (healthy) log.warn("the {} daemon at {} stopped answering: {}", name(), settings.host(), describe(e));
    }
    if (ok && !healthy) {
      log.info("the {} daemon at {} answers again", name(), settings.host());
      // What failed steps could not remove while it was away; attempts still running keep theirs.
      int removed = removeLeftovers(Set.copyOf(attempts.keySet()));
      if (removed > 0) log.info("removed {} objects left while the daemon was away", removed);
    }
    healthy = ok;
    if (ok) removeUnremoved();
  }

  /** Tries again what the daemon refused to remove before. */
  private void removeUnremoved() {
    for (Leftover l : List.copyOf(unremoved.keySet())) {
      Removal r = remove(l);
      if (r.refused() == null) {
        unremoved.remove(l);
        if (r.existed()) log.info("removed {}, which the {} daemon had refused to remove", l, name());
      } else if (unremoved.merge(l, 1, Integer::sum) > REMOVAL_RETRIES) {
        unremoved.remove(l);
        log.warn("gave up removing {} ({}); the worker's next start removes it", l, describe(r.refused()));
      }
    }
  }

  /** The daemon did not answer a call: unhealthy until a ping succeeds again. */
  void markUnreachable() {
    if (healthy) log.warn("the {} daemon at {} does not answer; taking no tasks until it does", name(), settings.host());
    healthy = false;
  }

  /** The client for short calls (two-minute response timeout). */
  DockerClient client() {
    return calls;
  }

  /** The client for calls that last as long as the container runs: wait and follow logs. */
  DockerClient streams() {
    return docker;
  }

  /** How many pulls this runtime has started (one per image, however many tasks waited for it). */
  int pullsStarted() {
    return pullsStarted.get();
  }

  @Override
  public RunningStep start(StepSpec step, OutputSink output) throws StepFailure {
    if (step.image() == null || step.image().isBlank()) {
      throw new StepFailure("image is required by the " + name() + " runtime");
    }
    Attempt attempt = attempts.computeIfAbsent(step.attemptId(), Attempt::new);
    List<Runnable> undo = new ArrayList<>();
    try {
      ensureImage(step.image(), step.registry());
      List<Mount> mounts = attemptMounts(attempt, step);
      if (!step.sidecars().isEmpty()) startSidecars(attempt, step);
      String torkVolume = "jtork-tork-" + step.executionId();
      calls.createVolumeCmd().withName(torkVolume).withLabels(labels(step)).exec();
      undo.add(() -> removeVolume(torkVolume));
      List<Mount> all = new ArrayList<>();
      all.add(new Mount().withType(MountType.VOLUME).withSource(torkVolume).withTarget("/tork"));
      all.addAll(mounts);

      String workdir = step.workdir() != null && !step.workdir().isBlank() ? step.workdir()
          : (!step.files().isEmpty() ? "/tork/workdir" : null);
      CreateContainerCmd create = calls.createContainerCmd(step.image())
          .withName("jtork-" + step.executionId())
          .withLabels(labels(step))
          .withEnv(env(step))
          .withHostConfig(hostConfig(step, all, attempt));
      if (workdir != null) create.withWorkingDir(workdir);
      boolean hasRun = step.run() != null && !step.run().isBlank();
      if (!step.entrypoint().isEmpty()) create.withEntrypoint(step.entrypoint());
      else if (hasRun) create.withEntrypoint("sh", "-c");
      if (!step.cmd().isEmpty()) create.withCmd(step.cmd());
      else if (hasRun) create.withCmd("/tork/entrypoint");
      String alias = slug(step.name());
      if (attempt.network != null || !step.networks().isEmpty()) {
        if (!alias.isEmpty()) create.withAliases(alias);
      }
      String id = create.exec().getId();
      undo.add(0, () -> removeContainer(id));
      for (int i = 1; i < step.networks().size(); i++) {
        connect(id, step.networks().get(i), alias);
      }
      if (attempt.network != null && !step.networks().isEmpty()) connect(id, attempt.network, alias);

      calls.copyArchiveToContainerCmd(id).withRemotePath("/")
          .withTarInputStream(Tar.of(torkFiles(step, workdir))).exec();
      calls.startContainerCmd(id).exec();
      DockerStep running = new DockerStep(this, id, torkVolume, output, io);
      synchronized (attempt.steps) {
        attempt.steps.add(running.cleanedUp());
      }
      inFlight.add(running.cleanedUp());
      running.cleanedUp().whenComplete((x, e) -> inFlight.remove(running.cleanedUp()));
      return running;
    } catch (StepFailure e) {
      undo.forEach(DockerRuntime::quietly);
      throw e;
    } catch (RuntimeException e) {
      undo.forEach(DockerRuntime::quietly);
      throw new StepFailure(name() + " could not start the task: " + explain(e), e);
    }
  }

  /**
   * Removes the attempt's volumes, sidecars and sidecar network once its steps have been
   * cleaned up. Returns at once; the removal runs in the background.
   */
  @Override
  public void release(String attemptId) {
    Attempt a = attempts.remove(attemptId);
    if (a == null) return;
    CompletableFuture<?>[] steps;
    synchronized (a.steps) {
      steps = a.steps.toArray(CompletableFuture[]::new);
    }
    CompletableFuture.allOf(steps).orTimeout(2, TimeUnit.MINUTES)
        .whenCompleteAsync((x, err) -> releaseNow(a), io);
  }

  private void releaseNow(Attempt a) {
    synchronized (a.sidecars) {
      a.sidecars.forEach(this::removeContainer);
    }
    a.volumes.values().forEach(this::removeVolume);
    if (a.network != null) removeNetwork(a.network);
  }

  // --- image -----------------------------------------------------------------------------

  private void ensureImage(String image, RegistrySpec registry) throws StepFailure {
    try {
      calls.inspectImageCmd(image).exec();
      return;
    } catch (NotFoundException e) {
      // pull it below
    } catch (RuntimeException e) {
      throw new StepFailure(name() + " could not inspect image \"" + image + "\": " + explain(e), e);
    }
    CompletableFuture<Void> pull = pulls.computeIfAbsent(image, k -> CompletableFuture.runAsync(() -> pull(k, registry), io));
    try {
      pull.join();
    } catch (RuntimeException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new StepFailure("could not pull image \"" + image + "\": " + explain(cause), cause);
    } finally {
      pulls.remove(image, pull);
    }
  }

  private void pull(String image, RegistrySpec registry) {
    pullsStarted.incrementAndGet();
    NameParser.ReposTag rt = NameParser.parseRepositoryTag(image);
    var cmd = docker.pullImageCmd(rt.repos).withTag(rt.tag.isEmpty() ? "latest" : rt.tag);
    AuthConfig auth = auth(image, registry);
    if (auth != null) cmd.withAuthConfig(auth);
    try {
      if (!cmd.exec(new PullImageResultCallback()).awaitCompletion(settings.pullTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException("the pull took longer than " + GoDuration.format(settings.pullTimeout()));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted");
    }
  }

  private AuthConfig auth(String image, RegistrySpec registry) {
    String address = NameParser.resolveRepositoryName(NameParser.parseRepositoryTag(image).repos).hostname;
    if (registry != null && registry.username() != null) {
      return new AuthConfig().withUsername(registry.username()).withPassword(registry.password())
          .withRegistryAddress(address);
    }
    if (settings.configDir() == null) return null;
    try {
      return config.effectiveAuthConfig(image);
    } catch (RuntimeException e) {
      log.warn("could not read registry credentials from {}: {}", settings.configDir(), describe(e));
      return null;
    }
  }

  // --- container settings ----------------------------------------------------------------

  private Map<String, String> labels(StepSpec step) {
    Map<String, String> l = new LinkedHashMap<>();
    l.put(LABEL_WORKER, settings.workerId());
    if (step.jobId() != null) l.put(LABEL_JOB, step.jobId());
    if (step.taskId() != null) l.put(LABEL_TASK, step.taskId());
    l.put(LABEL_ATTEMPT, step.attemptId());
    l.put(LABEL_STEP, step.executionId());
    return l;
  }

  private static List<String> env(StepSpec step) {
    List<String> env = new ArrayList<>();
    step.env().forEach((k, v) -> env.add(k + "=" + v));
    env.add("TORK_OUTPUT=/tork/stdout");
    env.add("TORK_PROGRESS=/tork/progress");
    return env;
  }

  private HostConfig hostConfig(StepSpec step, List<Mount> mounts, Attempt attempt) throws StepFailure {
    HostConfig h = HostConfig.newHostConfig().withMounts(mounts);
    String cpus = step.limits() != null && notBlank(step.limits().cpus()) ? step.limits().cpus() : settings.defaultCpus();
    String memory = step.limits() != null && notBlank(step.limits().memory()) ? step.limits().memory() : settings.defaultMemory();
    try {
      if (notBlank(cpus)) h.withNanoCPUs(DockerUnits.nanoCpus(cpus));
      if (notBlank(memory)) h.withMemory(DockerUnits.memoryBytes(memory));
      if (notBlank(step.gpus())) h.withDeviceRequests(List.of(DockerUnits.gpus(step.gpus())));
    } catch (IllegalArgumentException e) {
      throw new StepFailure(e.getMessage());
    }
    if (!step.networks().isEmpty()) h.withNetworkMode(step.networks().get(0));
    else if (attempt.network != null) h.withNetworkMode(attempt.network);
    return h;
  }

  private void connect(String containerId, String network, String alias) {
    ContainerNetwork cn = new ContainerNetwork();
    if (!alias.isEmpty()) cn.withAliases(alias);
    calls.connectToNetworkCmd().withContainerId(containerId).withNetworkId(network).withContainerNetwork(cn).exec();
  }

  /** The attempt's mounts: its volumes are created by the first step that needs them. */
  private List<Mount> attemptMounts(Attempt attempt, StepSpec step) throws StepFailure {
    List<Mount> out = new ArrayList<>();
    for (int i = 0; i < step.mounts().size(); i++) {
      MountSpec m = step.mounts().get(i);
      switch (m.type()) {
        case "volume" -> {
          int index = i;
          String name = attempt.volumes.computeIfAbsent(index, k -> {
            String n = "jtork-vol-" + attempt.attemptId + "-" + index;
            var cmd = calls.createVolumeCmd().withName(n).withLabels(labels(step));
            if (m.opts() != null && !m.opts().isEmpty()) cmd.withDriverOpts(m.opts());
            cmd.exec();
            return n;
          });
          out.add(new Mount().withType(MountType.VOLUME).withSource(name).withTarget(m.target()));
        }
        case "bind" -> {
          try {
            Path source = Path.of(m.source());
            if (!Files.exists(source)) {
              Files.createDirectories(source);
              Files.setPosixFilePermissions(source, PosixFilePermissions.fromString("rwx---rwx"));
            }
          } catch (IOException | UnsupportedOperationException e) {
            throw new StepFailure("mounts[" + i + "]: could not create the bind source " + m.source() + ": " + e.getMessage());
          }
          out.add(new Mount().withType(MountType.BIND).withSource(m.source()).withTarget(m.target()));
        }
        case "tmpfs" -> {
          Mount t = new Mount().withType(MountType.TMPFS).withTarget(m.target());
          if (m.opts() != null && m.opts().containsKey("size")) {
            t.withTmpfsOptions(new TmpfsOptions().withSizeBytes(DockerUnits.memoryBytes(m.opts().get("size"))));
          }
          out.add(t);
        }
        default -> throw new StepFailure("mounts[" + i + "].type: unknown mount type \"" + m.type() + "\"");
      }
    }
    return out;
  }

  private static Map<String, Tar.Entry> torkFiles(StepSpec step, String workdir) {
    Map<String, Tar.Entry> files = new LinkedHashMap<>();
    files.put("tork/entrypoint", new Tar.Entry(step.run() == null ? "" : step.run(), 0755));
    files.put("tork/stdout", new Tar.Entry("", 0666));
    files.put("tork/progress", new Tar.Entry("", 0666));
    if (!step.files().isEmpty()) {
      String dir = workdir.replaceAll("^/+", "").replaceAll("/+$", "");
      step.files().forEach((name, contents) -> files.put((dir.isEmpty() ? "" : dir + "/") + name, new Tar.Entry(contents, 0444)));
    }
    return files;
  }

  // --- sidecars --------------------------------------------------------------------------

  private void startSidecars(Attempt attempt, StepSpec step) throws StepFailure {
    String net = "jtork-net-" + attempt.attemptId;
    attempt.network = calls.createNetworkCmd().withName(net).withDriver("bridge").withLabels(labels(step)).exec().getId();
    for (SidecarSpec s : step.sidecars()) {
      String what = "sidecar \"" + s.name() + "\"";
      if (s.image() == null || s.image().isBlank()) throw new StepFailure(what + ": image is required");
      ensureImage(s.image(), s.registry());
      List<String> env = new ArrayList<>();
      s.env().forEach((k, v) -> env.add(k + "=" + v));
      CreateContainerCmd c = calls.createContainerCmd(s.image())
          .withName("jtork-" + step.executionId() + "-" + slug(s.name()))
          .withLabels(labels(step)).withEnv(env)
          .withHostConfig(HostConfig.newHostConfig().withNetworkMode(attempt.network));
      String alias = slug(s.name());
      if (!alias.isEmpty()) c.withAliases(alias);
      boolean hasRun = s.run() != null && !s.run().isBlank();
      if (!s.entrypoint().isEmpty()) c.withEntrypoint(s.entrypoint());
      else if (hasRun) c.withEntrypoint("sh", "-c");
      if (!s.cmd().isEmpty()) c.withCmd(s.cmd());
      else if (hasRun) c.withCmd(s.run());
      String id = c.exec().getId();
      synchronized (attempt.sidecars) {
        attempt.sidecars.add(id);
      }
      if (!s.files().isEmpty()) {
        Map<String, Tar.Entry> files = new LinkedHashMap<>();
        s.files().forEach((name, contents) -> files.put("tork/workdir/" + name, new Tar.Entry(contents, 0444)));
        calls.copyArchiveToContainerCmd(id).withRemotePath("/").withTarInputStream(Tar.of(files)).exec();
      }
      calls.startContainerCmd(id).exec();
      if (s.probe() != null) probe(what, id, attempt.network, s.probe());
    }
  }

  /** Tork's probe: GET every second (3 s each) until 200, for at most the probe's timeout (default 1m). */
  private void probe(String what, String containerId, String network, ProbeSpec probe) throws StepFailure {
    Duration limit = probe.timeout() == null || probe.timeout().isBlank() ? Duration.ofMinutes(1) : GoDuration.parse(probe.timeout()).orElse(Duration.ofMinutes(1));
    String path = probe.path() == null || probe.path().isBlank() ? "/" : probe.path();
    long deadline = System.nanoTime() + limit.toNanos();
    String last = "no answer";
    while (true) {
      try {
        var c = calls.inspectContainerCmd(containerId).exec();
        if (c.getState() != null && Boolean.FALSE.equals(c.getState().getRunning())) {
          throw new StepFailure(what + " exited with code " + c.getState().getExitCodeLong() + " before its probe answered");
        }
        String ip = c.getNetworkSettings().getNetworks().values().stream().map(ContainerNetwork::getIpAddress)
            .filter(DockerRuntime::notBlank).findFirst().orElse(null);
        if (ip != null) {
          URI uri = URI.create("http://" + ip + ":" + probe.port() + path);
          HttpResponse<Void> r = probes.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(3)).GET().build(),
              HttpResponse.BodyHandlers.discarding());
          if (r.statusCode() == 200) return;
          last = "status " + r.statusCode();
        }
      } catch (IOException e) {
        last = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StepFailure(what + ": interrupted while probing");
      } catch (RuntimeException e) {
        last = describe(e);
      }
      if (System.nanoTime() > deadline) {
        throw new StepFailure(what + ": probe GET :" + probe.port() + path + " got no 200 within "
            + GoDuration.format(limit) + " (last: " + last + ")");
      }
      try {
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StepFailure(what + ": interrupted while probing");
      }
    }
  }

  // --- cleanup ---------------------------------------------------------------------------

  boolean removeContainer(String id) {
    return removeOrLater(new Leftover(Kind.CONTAINER, id), 1);
  }

  boolean removeVolume(String name) {
    // "volume is in use" while a container that used it is still being removed
    return removeOrLater(new Leftover(Kind.VOLUME, name), 5);
  }

  private boolean removeNetwork(String id) {
    return removeOrLater(new Leftover(Kind.NETWORK, id), 1);
  }

  /**
   * Removes {@code l}, trying {@code tries} times 200 ms apart: whether it is gone. If the daemon
   * still refuses, the health checks try again.
   */
  private boolean removeOrLater(Leftover l, int tries) {
    RuntimeException refused = null;
    for (int i = 0; i < tries; i++) {
      if (i > 0) sleepQuietly(200);
      refused = remove(l).refused();
      if (refused == null) return true;
    }
    if (unremoved.putIfAbsent(l, 0) == null) log.warn("could not remove {}: {}; trying again every 2 s", l, describe(refused));
    return false;
  }

  /** What removing an object came to: whether it was there, or why the daemon refused. */
  private record Removal(boolean existed, RuntimeException refused) {}

  private Removal remove(Leftover l) {
    try {
      switch (l.kind()) {
        case CONTAINER -> calls.removeContainerCmd(l.id()).withForce(true).withRemoveVolumes(true).exec();
        case VOLUME -> calls.removeVolumeCmd(l.id()).exec();
        case NETWORK -> calls.removeNetworkCmd(l.id()).exec();
      }
      return new Removal(true, null);
    } catch (NotFoundException e) {
      return new Removal(false, null);
    } catch (RuntimeException e) {
      return new Removal(true, e);
    }
  }

  /** Removes every container, volume and network labelled with this worker. */
  int removeLeftovers() {
    return removeLeftovers(Set.of());
  }

  /** Removes what is labelled with this worker, except the objects of the attempts in {@code keep}. */
  int removeLeftovers(Set<String> keep) {
    int n = 0;
    Map<String, String> mine = Map.of(LABEL_WORKER, settings.workerId());
    try {
      for (Container c : calls.listContainersCmd().withShowAll(true).withLabelFilter(mine).exec()) {
        if (c.getLabels() != null && keep.contains(c.getLabels().get(LABEL_ATTEMPT))) continue;
        if (removeContainer(c.getId())) n++;
      }
      List<InspectVolumeResponse> volumes = calls.listVolumesCmd()
          .withFilter("label", List.of(LABEL_WORKER + "=" + settings.workerId())).exec().getVolumes();
      if (volumes != null) {
        for (InspectVolumeResponse v : volumes) {
          if (v.getLabels() != null && keep.contains(v.getLabels().get(LABEL_ATTEMPT))) continue;
          if (removeVolume(v.getName())) n++;
        }
      }
      for (Network net : calls.listNetworksCmd().withFilter("label", List.of(LABEL_WORKER + "=" + settings.workerId())).exec()) {
        if (net.getLabels() != null && keep.contains(net.getLabels().get(LABEL_ATTEMPT))) continue;
        if (removeNetwork(net.getId())) n++;
      }
    } catch (RuntimeException e) {
      log.warn("could not list what an earlier run left behind: {}", describe(e));
    }
    return n;
  }

  /** Stops without waiting for or removing anything, as a killed JVM would (for tests). */
  void abandon() {
    inFlight.clear();
    close();
  }

  @Override
  public void close() {
    timer.shutdownNow();
    try {
      CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      // what is still running is removed by the next start of this worker
    }
    io.shutdownNow();
    quietly(() -> {
      try {
        docker.close();
        calls.close();
        pinger.close();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    });
  }

  // --- helpers ---------------------------------------------------------------------------

  /** Tork's network alias: the task name in lower case, runs of other characters as "-". */
  static String slug(String name) {
    if (name == null) return "";
    return name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
  }

  /** The daemon's own message when there is one, without docker-java's "Status 404: " prefix noise. */
  static String describe(Throwable e) {
    if (e instanceof DockerException de && de.getMessage() != null) {
      String m = de.getMessage().strip();
      int i = m.indexOf("{\"message\":\"");
      if (i >= 0) {
        int end = m.lastIndexOf("\"}");
        if (end > i) return m.substring(i + 12, end).replace("\\\"", "\"");
      }
      return m;
    }
    Throwable t = e;
    while (t.getCause() != null && t.getMessage() != null && t.getCause().getMessage() != null
        && t.getMessage().contains(t.getCause().getClass().getName())) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  /**
   * {@link #describe}, saying so when the daemon could not be reached at all (docker-java then
   * only reports "localhost:2375 failed to respond", even on a unix socket).
   */
  String explain(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof IOException) {
        // Unhealthy at once, rather than at the next ping: the worker stops taking tasks now.
        markUnreachable();
        return "the " + name() + " daemon at " + settings.host() + " does not answer (" + describe(e) + ")";
      }
    }
    return describe(e);
  }

  static boolean notBlank(String s) {
    return s != null && !s.isBlank();
  }

  private static void quietly(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      log.debug("cleanup step failed", e);
    }
  }

  static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Reads a Frame stream into lines. */
  static final class Lines extends ResultCallback.Adapter<Frame> {
    private final Consumer<String> sink;
    private final StringBuilder partial = new StringBuilder();

    Lines(Consumer<String> sink) {
      this.sink = sink;
    }

    @Override
    public void onNext(Frame frame) {
      String s = new String(frame.getPayload(), StandardCharsets.UTF_8);
      synchronized (partial) {
        partial.append(s);
        int nl;
        while ((nl = partial.indexOf("\n")) >= 0) {
          String line = partial.substring(0, nl);
          partial.delete(0, nl + 1);
          sink.accept(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
        }
      }
    }

    void flushPartial() {
      synchronized (partial) {
        if (partial.length() > 0) {
          sink.accept(partial.toString());
          partial.setLength(0);
        }
      }
    }
  }
}
