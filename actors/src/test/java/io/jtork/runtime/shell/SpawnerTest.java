package io.jtork.runtime.shell;

import static org.assertj.core.api.Assertions.assertThat;

import io.jtork.runtime.RunningStep;
import io.jtork.runtime.StepResult;
import io.jtork.runtime.StepSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What happens when the {@link Spawner} itself dies under running tasks. */
class SpawnerTest {
  @TempDir Path root;
  private ShellRuntime runtime;

  @AfterEach
  void close() {
    if (runtime != null) runtime.close();
  }

  private static StepSpec step(String id, String run) {
    return new StepSpec(id, id, "j-1", "k-" + id, "step", null, run, null, null, Map.of(), Map.of(), null, null, null,
        null, null, null, null);
  }

  /** The parent of the process running {@code sleep marker}: the spawner that started it. */
  private static ProcessHandle spawnerOf(String marker) {
    ProcessHandle sleeper = ProcessHandle.allProcesses()
        .filter(p -> p.info().arguments().map(a -> a.length == 1 && a[0].equals(marker)).orElse(false)).findFirst()
        .orElseThrow();
    return sleeper.parent().orElseThrow();
  }

  @Test
  void aSpawnerThatDiesFailsTheStepsItRanKillsThemAndIsStartedAgain() throws Exception {
    runtime = new ShellRuntime(List.of("bash", "-c"), root, List.of("PATH"), TaskUsers.nodeUser(), true);
    String marker = "7" + (System.nanoTime() % 100000) + ".25";
    RunningStep running = runtime.start(step("a", "sleep " + marker), l -> { });
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> sleepers(marker) == 1);
    ProcessHandle helper = spawnerOf(marker);
    assertThat(helper.parent().map(ProcessHandle::pid)).contains(ProcessHandle.current().pid());
    assertThat(Files.readString(Path.of("/proc", Long.toString(helper.pid()), "comm")).trim()).isEqualTo("perl");

    helper.destroyForcibly();

    StepResult r = running.completion().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(r.succeeded()).isFalse();
    assertThat(r.error()).isEqualTo("the node's task spawner stopped, so how the task ended is unknown");
    // killed with its group, as any step's leftovers are when it ends
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> sleepers(marker) == 0);

    StepResult next = runtime.start(step("b", "echo -n $PPID > $TORK_OUTPUT"), l -> { }).completion()
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(next.succeeded()).as("%s", next).isTrue();
    long parent = Long.parseLong(next.output());
    assertThat(parent).isNotEqualTo(helper.pid());
    assertThat(Files.readString(Path.of("/proc", Long.toString(parent), "comm")).trim()).isEqualTo("perl");
  }

  @Test
  void whereTheSpawnerCannotStartTasksRunAsAChainOfPrograms() throws Exception {
    String before = Spawner.perl;
    Spawner.perl = "no-such-perl-4711";
    try {
      runtime = new ShellRuntime(List.of("bash", "-c"), root, List.of("PATH"), TaskUsers.nodeUser(), true);
      StepResult r = runtime.start(step("a", "echo -n $PPID > $TORK_OUTPUT"), l -> { }).completion()
          .toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(r.succeeded()).as("%s", r).isTrue();
      assertThat(Long.parseLong(r.output())).isEqualTo(ProcessHandle.current().pid());
    } finally {
      Spawner.perl = before;
    }
  }

  @Test
  void aWaitStatusReadsAsJavasExitCodes() {
    assertThat(Spawner.exitCode(0)).isZero();
    assertThat(Spawner.exitCode(7 << 8)).isEqualTo(7);
    assertThat(Spawner.exitCode(9)).isEqualTo(128 + 9);
    assertThat(Spawner.exitCode(15 | 0x80)).isEqualTo(128 + 15); // with a core dump
  }

  private static long sleepers(String marker) {
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().arguments().map(a -> a.length == 1 && a[0].equals(marker)).orElse(false)).count();
  }
}
