package io.jtork.runtime.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Container;
import io.jtork.runtime.RunningStep;
import io.jtork.runtime.StepFailure;
import io.jtork.runtime.StepResult;
import io.jtork.spec.LimitsSpec;
import io.jtork.spec.MountSpec;
import io.jtork.spec.ProbeSpec;
import io.jtork.spec.RegistrySpec;
import io.jtork.spec.SidecarSpec;
import com.sun.net.httpserver.HttpServer;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Docker runtime against a real daemon (see {@link DockerDaemon}): every part of the
 * container contract, and that nothing it creates outlives the task.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DockerRuntimeTest {
  private static final String IMAGE = DockerDaemon.IMAGE;
  private String host;
  private String workerId;
  private DockerRuntime runtime;
  private final List<String> lines = new CopyOnWriteArrayList<>();

  /** The daemon these tests run against; {@link PodmanRuntimeTest} runs them on Podman. */
  protected String requireDaemon() {
    return DockerDaemon.require();
  }

  protected String runtimeName() {
    return "docker";
  }

  @BeforeAll
  void connect() {
    host = requireDaemon();
    workerId = UUID.randomUUID().toString().replace("-", "");
    runtime = DockerRuntime.connect(settings(workerId, null, null));
  }

  @AfterAll
  void close() {
    if (runtime != null) runtime.close();
  }

  DockerSettings settings(String worker, String cpus, String memory) {
    return new DockerSettings(runtimeName(), host, null, worker, cpus, memory, Duration.ofSeconds(30));
  }

  /** After every test: no container, volume or network of this worker is left. */
  @AfterEach
  void nothingLeft() {
    Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
      assertThat(DockerDaemon.leftovers(runtime.client(), workerId)).isEmpty();
    });
  }

  /** A step of attempt {@code attempt}, built fluently; fields not given are empty. */
  static final class Step {
    private String attempt = UUID.randomUUID().toString().replace("-", "");
    private String exec = attempt;
    private String name = "a task";
    private String image = IMAGE;
    private String run;
    private List<String> cmd;
    private List<String> entrypoint;
    private Map<String, String> env;
    private Map<String, String> files;
    private String workdir;
    private LimitsSpec limits;
    private List<MountSpec> mounts;
    private List<String> networks;
    private String gpus;
    private RegistrySpec registry;
    private List<SidecarSpec> sidecars;

    static Step run(String script) {
      Step s = new Step();
      s.run = script;
      return s;
    }

    String attempt() {
      return attempt;
    }

    String exec() {
      return exec;
    }

    /** Another step of {@code other}'s attempt (they share its volumes). */
    Step of(Step other, String execution) {
      attempt = other.attempt;
      exec = execution;
      return this;
    }

    Step exec(String e) {
      exec = e;
      return this;
    }

    Step named(String n) {
      name = n;
      return this;
    }

    Step image(String i) {
      image = i;
      return this;
    }

    Step cmd(List<String> c, List<String> e) {
      cmd = c;
      entrypoint = e;
      return this;
    }

    Step env(Map<String, String> v) {
      env = v;
      return this;
    }

    Step files(Map<String, String> f, String w) {
      files = f;
      workdir = w;
      return this;
    }

    Step limits(LimitsSpec l) {
      limits = l;
      return this;
    }

    Step mounts(List<MountSpec> m) {
      mounts = m;
      return this;
    }

    Step networks(List<String> n) {
      networks = n;
      return this;
    }

    Step gpus(String g) {
      gpus = g;
      return this;
    }

    Step registry(RegistrySpec r) {
      registry = r;
      return this;
    }

    Step sidecars(List<SidecarSpec> s) {
      sidecars = s;
      return this;
    }

    io.jtork.runtime.StepSpec spec() {
      return new io.jtork.runtime.StepSpec(exec, attempt, "job-1", "task-1", name, image, run, cmd, entrypoint, env, files,
          workdir, limits, mounts, networks, gpus, registry, sidecars);
    }
  }

  private RunningStep start(Step s) throws StepFailure {
    return runtime.start(s.spec(), lines::add);
  }

  private static StepResult result(RunningStep r) throws Exception {
    return r.completion().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  private StepResult runAndRelease(Step s) throws Exception {
    try {
      return result(start(s));
    } finally {
      runtime.release(s.attempt());
    }
  }

  private Container containerOf(String attempt) {
    return Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> runtime.client().listContainersCmd()
        .withLabelFilter(Map.of(DockerRuntime.LABEL_ATTEMPT, attempt)).exec().stream().findFirst().orElse(null),
        c -> c != null);
  }

  @Test
  void runScriptWritesItsOutputAndLogsLines() throws Exception {
    StepResult r = runAndRelease(Step.run("echo hello from a container\necho -n 'hello world' > $TORK_OUTPUT\necho to stderr >&2"));
    assertThat(r.exitCode()).isZero();
    assertThat(r.output()).isEqualTo("hello world");
    assertThat(lines).contains("hello from a container", "to stderr");
  }

  @Test
  void theRunScriptIsTorkEntrypointRunBySh() throws Exception {
    Step s = Step.run("ls -l /tork/entrypoint\nsleep 30");
    RunningStep r = start(s);
    InspectContainerResponse c = runtime.client().inspectContainerCmd(containerOf(s.attempt()).getId()).exec();
    assertThat(c.getConfig().getEntrypoint()).containsExactly("sh", "-c");
    assertThat(c.getConfig().getCmd()).containsExactly("/tork/entrypoint");
    assertThat(c.getMounts()).anySatisfy(m -> {
      assertThat(m.getDestination().getPath()).isEqualTo("/tork");
      assertThat(m.getName()).isEqualTo("jtork-tork-" + s.exec());
    });
    assertThat(c.getConfig().getEnv()).contains("TORK_OUTPUT=/tork/stdout", "TORK_PROGRESS=/tork/progress");
    assertThat(c.getConfig().getLabels()).containsEntry(DockerRuntime.LABEL_JOB, "job-1")
        .containsEntry(DockerRuntime.LABEL_TASK, "task-1").containsEntry(DockerRuntime.LABEL_ATTEMPT, s.attempt());
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> lines.stream().anyMatch(l -> l.startsWith("-rwxr-xr-x")));
    r.kill();
    result(r);
    runtime.release(s.attempt());
  }

  @Test
  void cmdAndEntrypointOverrideTheDefaults() throws Exception {
    StepResult withCmd = runAndRelease(Step.run(null).cmd(List.of("echo", "from cmd"), null));
    assertThat(withCmd.exitCode()).isZero();
    assertThat(lines).contains("from cmd");
    StepResult withEntrypoint = runAndRelease(Step.run(null).cmd(List.of("echo -n $0 > $TORK_OUTPUT", "arg0"), List.of("sh", "-c")));
    assertThat(withEntrypoint.output()).isEqualTo("arg0");
  }

  @Test
  void envWorkdirAndFilesReadOnlyInTheDefaultWorkdir() throws Exception {
    StepResult r = runAndRelease(Step.run("echo -n \"$GREETING $(pwd) $(cat data.txt) $(stat -c %a data.txt)\" > $TORK_OUTPUT")
        .env(Map.of("GREETING", "hi")).files(Map.of("data.txt", "payload"), null));
    assertThat(r.output()).isEqualTo("hi /tork/workdir payload 444");
    StepResult custom = runAndRelease(Step.run("echo -n \"$(pwd) $(cat conf.ini)\" > $TORK_OUTPUT")
        .files(Map.of("conf.ini", "x=1"), "/app/work"));
    assertThat(custom.output()).isEqualTo("/app/work x=1");
  }

  @Test
  void nonZeroExitIsReportedWithItsCode() throws Exception {
    StepResult r = runAndRelease(Step.run("echo something broke\nexit 3"));
    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.succeeded()).isFalse();
    assertThat(lines).contains("something broke");
  }

  @Test
  void limitsBecomeNanoCpusAndMemory() throws Exception {
    Step s = Step.run("sleep 30").limits(new LimitsSpec(".5", "10m"));
    RunningStep r = start(s);
    InspectContainerResponse c = runtime.client().inspectContainerCmd(containerOf(s.attempt()).getId()).exec();
    assertThat(c.getHostConfig().getNanoCPUs()).isEqualTo(500_000_000L);
    assertThat(c.getHostConfig().getMemory()).isEqualTo(10L * 1024 * 1024);
    r.kill();
    assertThat(result(r).succeeded()).isFalse();
    runtime.release(s.attempt());
  }

  @Test
  void workerDefaultLimitsApplyWhenTheTaskSetsNone() throws Exception {
    DockerRuntime limited = DockerRuntime.connect(settings(workerId, "0.25", "64m"));
    try {
      Step s = Step.run("sleep 30");
      RunningStep r = limited.start(s.spec(), lines::add);
      InspectContainerResponse c = limited.client().inspectContainerCmd(containerOf(s.attempt()).getId()).exec();
      assertThat(c.getHostConfig().getNanoCPUs()).isEqualTo(250_000_000L);
      assertThat(c.getHostConfig().getMemory()).isEqualTo(64L * 1024 * 1024);
      r.kill();
      result(r);
      limited.release(s.attempt());
    } finally {
      limited.close();
    }
  }

  @Test
  void aVolumeIsSharedByTheStepsOfOneAttemptAndRemovedAfterIt() throws Exception {
    List<MountSpec> mounts = List.of(new MountSpec("volume", null, "/xyz", null));
    Step pre = Step.run("echo im a pre task > /xyz/pre").mounts(mounts);
    pre.exec(pre.attempt() + "-pre0");
    Step main = Step.run("cat /xyz/pre > $TORK_OUTPUT").of(pre, pre.attempt() + "-main").named("main").mounts(mounts);
    assertThat(result(start(pre)).exitCode()).isZero();
    StepResult r = result(start(main));
    assertThat(r.output()).isEqualTo("im a pre task\n");
    assertThat(runtime.client().listVolumesCmd().withFilter("label", List.of(DockerRuntime.LABEL_ATTEMPT + "=" + pre.attempt()))
        .exec().getVolumes()).extracting(v -> v.getName()).contains("jtork-vol-" + pre.attempt() + "-0");
    runtime.release(pre.attempt());
    // nothingLeft() checks that the volume is gone
  }

  @Test
  void anotherAttemptGetsAFreshVolume() throws Exception {
    List<MountSpec> mounts = List.of(new MountSpec("volume", null, "/data", null));
    runAndRelease(Step.run("echo first > /data/f").mounts(mounts));
    StepResult second = runAndRelease(Step.run("ls /data | wc -l | tr -d ' ' > $TORK_OUTPUT").mounts(mounts));
    assertThat(second.output().trim()).isEqualTo("0");
  }

  @Test
  void bindMountsAHostDirectory(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("in.txt"), "from the host");
    Path created = dir.resolve("made/by/jtork");
    StepResult r = runAndRelease(Step.run("cat /in/in.txt > $TORK_OUTPUT; echo out > /out/o.txt")
        .mounts(List.of(new MountSpec("bind", dir.toString(), "/in", null), new MountSpec("bind", created.toString(), "/out", null))));
    assertThat(r.output()).isEqualTo("from the host");
    assertThat(Files.readString(created.resolve("o.txt"))).isEqualTo("out\n");
  }

  @Test
  void tmpfsMounts() throws Exception {
    StepResult r = runAndRelease(Step.run("grep ' /scratch ' /proc/mounts | cut -d' ' -f3 > $TORK_OUTPUT")
        .mounts(List.of(new MountSpec("tmpfs", null, "/scratch", null))));
    assertThat(r.output().trim()).isEqualTo("tmpfs");
  }

  @Test
  void networksAreJoinedWithTheSlugOfTheTaskNameAsAlias() throws Exception {
    String net = "jtork-test-" + UUID.randomUUID().toString().substring(0, 8);
    runtime.client().createNetworkCmd().withName(net).withDriver("bridge").exec();
    try {
      Step s = Step.run("sleep 30").named("Say Hello, World").networks(List.of(net));
      RunningStep r = start(s);
      InspectContainerResponse c = runtime.client().inspectContainerCmd(containerOf(s.attempt()).getId()).exec();
      assertThat(c.getNetworkSettings().getNetworks()).containsKey(net);
      assertThat(c.getNetworkSettings().getNetworks().get(net).getAliases()).contains("say-hello-world");
      r.kill();
      result(r);
      runtime.release(s.attempt());
    } finally {
      Awaitility.await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
          .untilAsserted(() -> runtime.client().removeNetworkCmd(net).exec());
    }
  }

  @Test
  void gpusBecomeADeviceRequestAndTheDaemonsRefusalFailsTheTask() {
    // No GPU here: the daemon refuses the device request when the container starts.
    Step s = Step.run("true").gpus("all");
    assertThatThrownBy(() -> start(s)).isInstanceOf(StepFailure.class)
        .hasMessageStartingWith(runtimeName() + " could not start the task: ").hasMessageContaining("gpu");
    runtime.release(s.attempt());
    assertThat(DockerUnits.gpus("2").getCount()).isEqualTo(2);
    assertThat(DockerUnits.gpus("device=0,1").getDeviceIds()).containsExactly("0", "1");
  }

  @Test
  void progressIsReadFromTorkProgress() throws Exception {
    RunningStep r = start(Step.run("echo 42 > $TORK_PROGRESS\nsleep 30"));
    Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
        .until(() -> r.progress().orElse(-1) == 42.0);
    r.kill();
    result(r);
  }

  @Test
  void killStopsTheContainerAndRemovesIt() throws Exception {
    Step s = Step.run("sleep 300");
    RunningStep r = start(s);
    containerOf(s.attempt());
    long t0 = System.nanoTime();
    r.kill();
    StepResult res = result(r);
    assertThat(res.succeeded()).isFalse();
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(20));
    runtime.release(s.attempt());
  }

  @Test
  void aMissingImageFailsWithItsNameAndTheDaemonsMessage() {
    Step s = Step.run("true").image("jtork-test/no-such-image:1");
    assertThatThrownBy(() -> start(s)).isInstanceOf(StepFailure.class)
        .hasMessageStartingWith("could not pull image \"jtork-test/no-such-image:1\": ");
    runtime.release(s.attempt());
  }

  /**
   * A registry that accepts connections and answers nothing for two seconds keeps a pull
   * going; five tasks wanting the image meanwhile share that one pull.
   */
  @Test
  void concurrentPullsOfOneImageHappenOnce() throws Exception {
    try (ServerSocket registry = new ServerSocket(0)) {
      Thread stall = new Thread(() -> {
        while (!registry.isClosed()) {
          try {
            Socket s = registry.accept();
            new Thread(() -> {
              try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                Thread.sleep(2000);
              } catch (Exception ignored) {
                // closed
              }
            }).start();
          } catch (Exception e) {
            return;
          }
        }
      });
      stall.setDaemon(true);
      stall.start();
      String image = "127.0.0.1:" + registry.getLocalPort() + "/jtork/slow:1";
      int before = runtime.pullsStarted();
      ExecutorService pool = Executors.newFixedThreadPool(5);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<String>> results = new ArrayList<>();
      List<String> attempts = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        Step s = Step.run("true").image(image);
        attempts.add(s.attempt());
        results.add(pool.submit(() -> {
          go.await();
          try {
            start(s);
            return "started";
          } catch (StepFailure e) {
            return e.getMessage();
          }
        }));
      }
      go.countDown();
      for (Future<String> f : results) {
        assertThat(f.get(60, TimeUnit.SECONDS)).startsWith("could not pull image \"" + image + "\": ");
      }
      pool.shutdown();
      attempts.forEach(runtime::release);
      assertThat(runtime.pullsStarted() - before).isEqualTo(1);
    }
  }

  @Test
  void sidecarsStartFirstAndTheMainContainerWaitsForTheProbe() throws Exception {
    SidecarSpec web = new SidecarSpec("Web Server", null, null, null, "httpd -f -p 8080 -h /tork/workdir", IMAGE, null,
        null, Map.of("index.html", "ready"), null, new ProbeSpec("/index.html", 8080, "20s"));
    Step s = Step.run("wget -q -O $TORK_OUTPUT http://web-server:8080/index.html").sidecars(List.of(web));
    StepResult r = runAndRelease(s);
    assertThat(r.exitCode()).as("lines %s", lines).isZero();
    assertThat(r.output()).isEqualTo("ready");
  }

  @Test
  void aProbeThatNeverAnswersFailsTheTask() {
    SidecarSpec silent = new SidecarSpec("silent", null, null, null, "sleep 60", IMAGE, null, null, null, null,
        new ProbeSpec("/", 8080, "2s"));
    Step s = Step.run("true").sidecars(List.of(silent));
    assertThatThrownBy(() -> start(s)).isInstanceOf(StepFailure.class)
        .hasMessageStartingWith("sidecar \"silent\": probe GET :8080/ got no 200 within 2s");
    runtime.release(s.attempt());
  }

  /** A volume still in use cannot be removed: the runtime tries again at its health checks, every 2 s. */
  @Test
  void whatTheDaemonRefusedToRemoveIsRemovedAtALaterHealthCheck() throws Exception {
    String volume = "jtork-refused-" + UUID.randomUUID().toString().replace("-", "");
    var docker = runtime.client();
    docker.createVolumeCmd().withName(volume).withLabels(Map.of(DockerRuntime.LABEL_WORKER, workerId)).exec();
    String holder = docker.createContainerCmd(IMAGE).withCmd("true")
        .withHostConfig(com.github.dockerjava.api.model.HostConfig.newHostConfig().withBinds(
            new com.github.dockerjava.api.model.Bind(volume, new com.github.dockerjava.api.model.Volume("/v"))))
        .exec().getId();
    runtime.removeVolume(volume);
    assertThat(docker.inspectVolumeCmd(volume).exec().getName()).as("in use: refused").isEqualTo(volume);
    docker.removeContainerCmd(holder).withForce(true).exec();
    Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThatThrownBy(
        () -> docker.inspectVolumeCmd(volume).exec()).isInstanceOf(com.github.dockerjava.api.exception.NotFoundException.class));
  }

  @Test
  void aWorkerThatStartsRemovesWhatItsEarlierLifeLeftBehind() throws Exception {
    String earlier = UUID.randomUUID().toString().replace("-", "");
    DockerRuntime first = DockerRuntime.connect(settings(earlier, null, null));
    Step s = Step.run("sleep 300").mounts(List.of(new MountSpec("volume", null, "/v", null)));
    first.start(s.spec(), lines::add);
    first.abandon(); // as if the JVM died: nothing released
    assertThat(DockerDaemon.leftovers(runtime.client(), earlier)).hasSizeGreaterThanOrEqualTo(3);
    DockerRuntime again = DockerRuntime.connect(settings(earlier, null, null));
    try {
      assertThat(DockerDaemon.leftovers(again.client(), earlier)).isEmpty();
    } finally {
      again.close();
    }
  }

  /**
   * A registry that asks for Basic credentials records what it is sent: the task's
   * {@code registry} credentials, or else those of the configured Docker {@code config.json}.
   */
  @Test
  void registryCredentialsComeFromTheTaskOrFromConfigJson(@TempDir Path configDir) throws Exception {
    List<String> auths = new CopyOnWriteArrayList<>();
    HttpServer registry = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    registry.createContext("/", ex -> {
      String a = ex.getRequestHeaders().getFirst("Authorization");
      if (a == null) {
        ex.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"jtork-test\"");
        ex.sendResponseHeaders(401, -1);
      } else {
        auths.add(a);
        ex.sendResponseHeaders(404, -1);
      }
      ex.close();
    });
    registry.start();
    String address = "127.0.0.1:" + registry.getAddress().getPort();
    try {
      Step s = Step.run("true").image(address + "/jtork/private:1").registry(new RegistrySpec("alice", "s3cret"));
      assertThatThrownBy(() -> start(s)).isInstanceOf(StepFailure.class)
          .hasMessageStartingWith("could not pull image \"" + address + "/jtork/private:1\": ");
      runtime.release(s.attempt());
      assertThat(auths).contains("Basic " + base64("alice:s3cret"));

      Files.writeString(configDir.resolve("config.json"),
          "{\"auths\": {\"" + address + "\": {\"auth\": \"" + base64("bob:hunter2") + "\"}}}");
      DockerRuntime configured = DockerRuntime.connect(new DockerSettings(runtimeName(), host, configDir.toString(), workerId,
          null, null, Duration.ofSeconds(30)));
      try {
        Step t = Step.run("true").image(address + "/jtork/other:1");
        assertThatThrownBy(() -> configured.start(t.spec(), lines::add)).isInstanceOf(StepFailure.class);
        configured.release(t.attempt());
      } finally {
        configured.close();
      }
      assertThat(auths).contains("Basic " + base64("bob:hunter2"));
    } finally {
      registry.stop(0);
    }
  }

  private static String base64(String s) {
    return java.util.Base64.getEncoder().encodeToString(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }
}
