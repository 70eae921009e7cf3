package io.jtork.runtime.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jtork.runtime.RunningStep;
import io.jtork.runtime.StepFailure;
import io.jtork.runtime.StepResult;
import io.jtork.runtime.StepSpec;
import io.jtork.spec.LimitsSpec;
import io.jtork.spec.MountSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shell runtime starting tasks through its spawner; {@link ShellRuntimeChainTest} runs the same without. */
class ShellRuntimeTest {
  @TempDir Path root;
  private ShellRuntime runtime;
  private final List<String> lines = new CopyOnWriteArrayList<>();

  /** Whether the runtime under test starts tasks through the {@link Spawner}. */
  boolean spawner() {
    return true;
  }

  ShellRuntime runtime() {
    if (runtime == null) {
      runtime = new ShellRuntime(List.of("bash", "-c"), root, List.of("PATH", "HOME"), TaskUsers.nodeUser(), spawner());
    }
    return runtime;
  }

  @AfterEach
  void close() {
    if (runtime != null) runtime.close();
  }

  private static StepSpec step(String run, Map<String, String> env, Map<String, String> files) {
    return new StepSpec("t-1", "t-1", "j-1", "k-1", "step", null, run, null, null, env, files, null, null, null, null, null, null, null);
  }

  private StepResult run(StepSpec s) throws Exception {
    return runtime().start(s, lines::add).completion().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void runsTheScriptWithTorkOutputAndStreamsItsLines() throws Exception {
    StepResult r = run(step("echo first; echo second >&2; echo -n result > $TORK_OUTPUT", Map.of(), Map.of()));
    assertThat(r.succeeded()).isTrue();
    assertThat(r.output()).isEqualTo("result");
    assertThat(lines).containsExactly("first", "second");
  }

  @Test
  void givesTheTaskItsEnvButNotTheEnginesEnvironment() throws Exception {
    StepResult r = run(step("echo -n \"$GREETING|${JAVA_HOME:-unset}|${MAVEN_OPTS:-unset}|$PATH\" > $TORK_OUTPUT",
        Map.of("GREETING", "hi"), Map.of()));
    String[] parts = r.output().split("\\|");
    assertThat(parts[0]).isEqualTo("hi");
    assertThat(parts[1]).isEqualTo("unset");
    assertThat(parts[2]).isEqualTo("unset");
    assertThat(parts[3]).isNotBlank();
  }

  @Test
  void writesFilesReadOnlyIntoTheWorkingDirectory() throws Exception {
    StepResult r = run(step("cat data/in.txt > $TORK_OUTPUT; stat -c %a data/in.txt", Map.of(),
        Map.of("data/in.txt", "contents")));
    assertThat(r.output()).isEqualTo("contents");
    assertThat(lines).containsExactly("444");
  }

  @Test
  void aStepLeavesNoDirectoryBehindWhateverItWroteThere() throws Exception {
    assertThat(run(step("true", Map.of(), Map.of())).succeeded()).isTrue();
    assertThat(run(step("mkdir -p out/locked; echo x > out/locked/f; chmod 555 out/locked; echo -n y > $TORK_OUTPUT;"
        + " echo 50 > $TORK_PROGRESS; echo z > $(dirname $TORK_OUTPUT)/extra", Map.of(), Map.of("in/data.txt", "d")))
        .succeeded()).isTrue();
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() -> {
      try (var left = java.nio.file.Files.list(root)) {
        assertThat(left).isEmpty();
      }
    });
  }

  @Test
  void aScriptTooLongForOneArgumentRunsFromAFile() throws Exception {
    String longScript = "# padding\n".repeat(10_000) + "echo -n \"long $((40 + 2))\" > $TORK_OUTPUT";
    assertThat(ShellRuntime.fitsAnArgument(longScript)).isFalse();
    assertThat(ShellRuntime.fitsAnArgument("echo short")).isTrue();
    assertThat(ShellRuntime.fitsAnArgument("echo \0")).isFalse();
    assertThat(run(step(longScript, Map.of(), Map.of())).output()).isEqualTo("long 42");
  }

  @Test
  void reportsANonZeroExitCode() throws Exception {
    StepResult r = run(step("echo bad; exit 7", Map.of(), Map.of()));
    assertThat(r.succeeded()).isFalse();
    assertThat(r.exitCode()).isEqualTo(7);
  }

  @Test
  void aSignalThatEndsTheTaskIsItsExitCodeAbove128() throws Exception {
    StepResult r = run(step("kill -TERM $$", Map.of(), Map.of()));
    assertThat(r.exitCode()).isEqualTo(128 + 15);
  }

  @Test
  void aTaskHoldsNoDescriptorOfTheNodesAndReadsNothingFromStdin() throws Exception {
    // ls lists its own directory handle too (3); a node's pipe, socket or jar would show beyond it
    StepResult r = run(step("cat; ls /proc/self/fd | tr '\\n' ' ' > $TORK_OUTPUT; readlink /proc/self/fd/0",
        Map.of(), Map.of()));
    assertThat(r.succeeded()).as("%s %s", r, lines).isTrue();
    assertThat(r.output()).isEqualTo("0 1 2 3 ");
    assertThat(lines).containsExactly("/dev/null");
  }

  @Test
  void tasksStartThroughTheSpawnerWhereItRuns() throws Exception {
    StepResult r = run(step("echo -n $PPID > $TORK_OUTPUT", Map.of(), Map.of()));
    long parent = Long.parseLong(r.output());
    if (spawner()) {
      assertThat(parent).isNotEqualTo(ProcessHandle.current().pid());
      assertThat(Files.readString(Path.of("/proc", Long.toString(parent), "comm")).trim()).isEqualTo("perl");
    } else {
      assertThat(parent).isEqualTo(ProcessHandle.current().pid());
    }
  }

  @Test
  void aProgramThatDoesNotExistExitsWith127NamingIt() throws Exception {
    StepResult r = run(new StepSpec("t-1", "t-1", "j-1", "k-1", "step", null, null, List.of("no-such-program-4711"), null,
        Map.of(), Map.of(), null, null, null, null, null, null, null));
    assertThat(r.exitCode()).isEqualTo(127);
    assertThat(String.join("\n", lines)).contains("no-such-program-4711");
  }

  @Test
  void aClosedRuntimeStartsNoTask() {
    runtime().close();
    assertThatThrownBy(() -> runtime().start(step("true", Map.of(), Map.of()), lines::add))
        .isInstanceOf(StepFailure.class).hasMessage("the shell runtime is closed: the node is stopping");
    assertThat(root).isEmptyDirectory();
  }

  @Test
  void readsProgress() throws Exception {
    RunningStep s = runtime().start(step("echo 42.5 > $TORK_PROGRESS; sleep 2", Map.of(), Map.of()), lines::add);
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> s.progress().isPresent());
    assertThat(s.progress().getAsDouble()).isEqualTo(42.5);
    s.kill();
  }

  @Test
  void killReachesEveryProcessTheStepStarted() throws Exception {
    String marker = "4" + (System.nanoTime() % 100000) + ".25";
    RunningStep s = runtime().start(step("sleep " + marker + " & (sleep " + marker + " &) ; sleep " + marker,
        Map.of(), Map.of()), lines::add);
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> count(marker) == 3);
    s.kill();
    s.completion().toCompletableFuture().get(10, TimeUnit.SECONDS);
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> count(marker) == 0);
  }

  @Test
  void aStepThatExitsTakesItsBackgroundProcessesWithIt() throws Exception {
    String marker = "5" + (System.nanoTime() % 100000) + ".25";
    StepResult r = run(step("sleep " + marker + " & echo started", Map.of(), Map.of()));
    assertThat(r.succeeded()).isTrue();
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> count(marker) == 0);
    Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      try (var dirs = Files.list(root)) {
        assertThat(dirs).as("the step's directory, removed just after it ends").isEmpty();
      }
    });
  }

  @Test
  void refusesWhatTheScriptWouldDependOn() {
    StepSpec s = new StepSpec("t-1", "t-1", "j-1", "k-1", "step", "ubuntu", "true", null, null, null, null, "/w", new LimitsSpec("1", null),
        List.of(new MountSpec("volume", null, "/data", null)), List.of("net"), null, null, null);
    assertThatThrownBy(() -> runtime().start(s, lines::add)).isInstanceOf(StepFailure.class)
        .hasMessage("mounts, networks, workdir are not supported by the shell runtime");
    try (var dirs = Files.list(root)) {
      assertThat(dirs).as("nothing left of a refused step").isEmpty();
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  /** Tork's job_defaults.yaml gives every task an image and limits: the task runs, and its log says what was left out. */
  @Test
  void runsATaskWithAnImageAndLimitsAndNotesWhatItIgnores() throws Exception {
    StepSpec s = new StepSpec("t-1", "t-1", "j-1", "k-1", "step", "alpine:3.18.3", "echo -n ran > $TORK_OUTPUT", null, null, null, null,
        null, new LimitsSpec(".5", "64m"), null, null, null, null, null);
    assertThat(runtime().notes(s)).containsExactly(
        "[jtork] the shell runtime ignores image \"alpine:3.18.3\": the task runs on the host",
        "[jtork] the shell runtime ignores limits (cpus .5, memory 64m): nothing confines the task");
    StepResult r = run(s);
    assertThat(r.succeeded()).isTrue();
    assertThat(r.output()).isEqualTo("ran");
    assertThat(runtime().notes(step("true", Map.of(), Map.of()))).isEmpty();
  }

  /**
   * Scripts given to an entrypoint are executed: a process forked by another thread while this
   * one wrote its script must not hold it open for writing when it runs ("Text file busy", exit
   * 126). Four threads start 250 entrypoint steps each while four others keep forking plain
   * ones: without the lock in ShellRuntime, 4 and 6 of the 1,000 failed so in two runs here
   * (with 150 steps each, two runs in five caught it).
   */
  @Test
  void entrypointScriptsRunWhileOtherThreadsFork() throws Exception {
    ShellRuntime shell = runtime(); // one runtime: a new one clears the root of what it takes for orphans
    var pool = java.util.concurrent.Executors.newCachedThreadPool();
    var writersDone = new java.util.concurrent.atomic.AtomicBoolean();
    List<String> failures = new CopyOnWriteArrayList<>();
    try {
      List<java.util.concurrent.Future<?>> forkers = new java.util.ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        forkers.add(pool.submit(() -> {
          for (int i = 0; !writersDone.get(); i++) {
            String id = "f" + thread + "-" + i;
            try {
              shell.start(new StepSpec(id, id, "j-1", "k-1", "step", null, "true", null, null, null, null, null, null, null,
                  null, null, null, null), line -> {}).completion().toCompletableFuture().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
              failures.add(id + ": " + e);
            }
          }
        }));
      }
      List<java.util.concurrent.Future<?>> writers = new java.util.ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        writers.add(pool.submit(() -> {
          for (int i = 0; i < 250; i++) {
            String id = "s" + thread + "-" + i;
            StepSpec s = new StepSpec(id, id, "j-1", "k-1", "step", null, "echo -n " + id + " > $TORK_OUTPUT", null,
                List.of("bash", "-c"), null, null, null, null, null, null, null, null, null);
            List<String> out = new CopyOnWriteArrayList<>();
            try {
              StepResult r = shell.start(s, out::add).completion().toCompletableFuture().get(30, TimeUnit.SECONDS);
              if (!r.succeeded() || !id.equals(r.output())) failures.add(id + ": exit " + r.exitCode() + " " + out);
            } catch (Exception e) {
              failures.add(id + ": " + e);
            }
          }
        }));
      }
      for (var f : writers) f.get(5, TimeUnit.MINUTES);
      writersDone.set(true);
      for (var f : forkers) f.get(1, TimeUnit.MINUTES);
    } finally {
      writersDone.set(true);
      pool.shutdownNow();
    }
    assertThat(failures).isEmpty();
  }

  /** Tork's retry.yaml names {@code entrypoint: ["bash", "-c"]}, which executes the script's path, as in a container. */
  @Test
  void anEntrypointIsGivenTheScriptsPath() throws Exception {
    String script = "COIN=$((( 4 % 2 )) && echo heads || echo tails)\necho -n \"$COIN $0\" > $TORK_OUTPUT\n";
    StepResult executed = run(new StepSpec("t-1", "t-1", "j-1", "k-1", "step", null, script, null, List.of("bash", "-c"),
        null, null, null, null, null, null, null, null, null));
    assertThat(executed.succeeded()).as("%s", lines).isTrue();
    assertThat(executed.output()).startsWith("tails ").endsWith("/entrypoint");
    StepResult read = run(new StepSpec("t-2", "t-2", "j-1", "k-1", "step", null, "echo -n \"read from $0\" > $TORK_OUTPUT", null,
        List.of("sh"), null, null, null, null, null, null, null, null, null));
    assertThat(read.output()).startsWith("read from " + root).endsWith("/entrypoint");
  }

  @Test
  void killsWhatAKilledNodeLeftRunningWhenItStartsAgain() throws Exception {
    String marker = "6" + (System.nanoTime() % 100000) + ".25";
    ShellRuntime before = new ShellRuntime(List.of("bash", "-c"), root, List.of("PATH"), TaskUsers.nodeUser(), spawner());
    before.start(step("sleep " + marker, Map.of(), Map.of()), lines::add);
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> count(marker) == 1);
    // No kill and no completion: as if the node died. A new runtime on the same directory reaps it.
    new ShellRuntime(List.of("bash", "-c"), root, List.of("PATH"), TaskUsers.nodeUser(), spawner()).close();
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> count(marker) == 0);
    before.close();
  }

  private static long count(String marker) {
    return ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").contains(marker)).count();
  }
}
