package io.jtork.runtime.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jtork.runtime.RunningStep;
import io.jtork.runtime.StepFailure;
import io.jtork.runtime.StepResult;
import io.jtork.runtime.StepSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Shell tasks running as users of their own (the default on a node running as root): what each
 * may not reach, what is left of them when they end, and the settings' errors. Needs root, as
 * switching users does; CI runs as root.
 */
class TaskUsersTest {
  private Path base;
  private Path root;
  private Path shared;
  private ShellRuntime runtime;

  @BeforeEach
  void setUp() throws Exception {
    assumeTrue(TaskUsers.currentUid() == 0, "switching users needs root");
    // Not a @TempDir: its rwx------ would keep the tasks out, which a test below shows.
    base = Files.createTempDirectory("jtork-users-");
    Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwx--x--x"));
    root = base.resolve("runs");
    shared = Files.createDirectory(base.resolve("shared"));
    Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
  }

  @AfterEach
  void tearDown() throws Exception {
    if (runtime != null) runtime.close();
    if (base != null) {
      // A step's own clean-up may still be removing its directory: wait for it, then remove the rest.
      Awaitility.await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
        try (var all = Files.walk(base)) {
          all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        return !Files.exists(base);
      });
    }
  }

  /** Whether the runtime under test starts tasks through the {@link Spawner}. */
  boolean spawner() {
    return true;
  }

  private ShellRuntime runtime(String range) {
    runtime = new ShellRuntime(List.of("bash", "-c"), root, List.of("PATH"), TaskUsers.of("auto", "auto", range, 0),
        spawner());
    return runtime;
  }

  private static StepSpec step(String id, String run) {
    return new StepSpec(id, id, "j-1", "k-" + id, "step", null, run, null, null, Map.of(), Map.of(), null, null, null,
        null, null, null, null);
  }

  private static StepResult result(RunningStep s) throws Exception {
    return s.completion().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void aTaskRunsAsAUserOfItsOwnFromTheRangeWithNoOtherGroup() throws Exception {
    StepResult r = result(runtime("200100-200109").start(step("a", "echo -n \"$(id -u) $(id -g) $(id -G) $HOME\" > $TORK_OUTPUT"), l -> {}));
    assertThat(r.succeeded()).as("%s", r).isTrue();
    String[] f = r.output().split(" ");
    assertThat(Integer.parseInt(f[0])).isBetween(200100, 200109);
    assertThat(f[1]).isEqualTo(f[0]);
    assertThat(f[2]).isEqualTo(f[0]);
    assertThat(f[3]).startsWith(root.toString());
  }

  @Test
  void aTaskCannotReadTheNodesEnvironmentNorListTheRunsDirectory() throws Exception {
    List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
    StepResult r = result(runtime("200100-200109").start(step("a", """
        cat /proc/$PPID/environ && echo READ-ENVIRON
        ls %s && echo LISTED-RUNS
        true
        """.formatted(root)), lines::add));
    assertThat(r.succeeded()).isTrue();
    assertThat(lines).noneMatch(l -> l.contains("READ-ENVIRON") || l.contains("LISTED-RUNS"));
    assertThat(lines).anyMatch(l -> l.contains("/environ") && l.contains("Permission denied"));
    assertThat(lines).anyMatch(l -> l.contains("ls") && l.contains("Permission denied"));
  }

  @Test
  void aTaskCannotReadAnotherRunningTasksDirectory() throws Exception {
    ShellRuntime rt = runtime("200100-200109");
    RunningStep a = rt.start(step("a", "echo private > mine.txt; echo -n $PWD > %s/a-path; sleep 30".formatted(shared)), l -> {});
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(shared.resolve("a-path")));
    List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
    StepResult b = result(rt.start(step("b", """
        cat "$(cat %s/a-path)/mine.txt" && echo READ-OTHER
        ls "$(cat %s/a-path)" && echo LISTED-OTHER
        true
        """.formatted(shared, shared)), lines::add));
    a.kill();
    result(a);
    assertThat(b.succeeded()).isTrue();
    assertThat(lines).noneMatch(l -> l.contains("READ-OTHER") || l.contains("LISTED-OTHER"));
    assertThat(lines).filteredOn(l -> l.contains("Permission denied")).hasSize(2);
  }

  @Test
  void whatATaskLeftRunningOutsideItsGroupIsKilledWhenItEnds() throws Exception {
    StepResult r = result(runtime("200110-200110").start(step("a", "setsid sleep 300 < /dev/null > /dev/null 2>&1 & echo -n $(id -u) > $TORK_OUTPUT"), l -> {}));
    int uid = Integer.parseInt(r.output());
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> ProcessHandle.allProcesses().noneMatch(p -> ownedBy(p, uid)));
  }

  private static boolean ownedBy(ProcessHandle p, int uid) {
    try {
      return (Integer) Files.getAttribute(Path.of("/proc/" + p.pid()), "unix:uid") == uid;
    } catch (Exception e) {
      return false;
    }
  }

  @Test
  void anOutputThatLinksToAFileOfTheNodesIsNotRead() throws Exception {
    Path secret = base.resolve("node-secret");
    Files.writeString(secret, "the node's secret");
    StepResult r = result(runtime("200100-200109").start(step("a", "ln -s %s $TORK_OUTPUT".formatted(secret)), l -> {}));
    assertThat(r.succeeded()).isFalse();
    assertThat(r.error()).contains("not a regular file").doesNotContain("the node's secret");
  }

  @Test
  void whenEveryUserOfTheRangeRunsATaskTheNextOneFailsNamingTheRange() throws Exception {
    ShellRuntime rt = runtime("200120-200120");
    RunningStep a = rt.start(step("a", "sleep 30"), l -> {});
    assertThatThrownBy(() -> rt.start(step("b", "true"), l -> {})).isInstanceOf(StepFailure.class)
        .hasMessage("no free task user: all 1 uids of jtork.runtime.shell.uid-range (200120-200120) run a task");
    a.kill();
    result(a);
    // given back once the first has ended
    assertThat(result(rt.start(step("c", "true"), l -> {})).succeeded()).isTrue();
  }

  /**
   * A process its user cannot kill (root's, only its effective uid the task user's, so that
   * {@code /proc} counts it as the user's): the task still ends, and its user is given to no
   * other task, since something of it may still run.
   */
  @Test
  void aUserWhoseProcessesCannotAllBeKilledIsGivenToNoOtherTask() throws Exception {
    Process stuck = new ProcessBuilder("perl", "-e", "$> = 200124; $> == 200124 or die; sleep 60").start();
    try {
      Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> ownedBy(stuck.toHandle(), 200124));
      ShellRuntime rt = runtime("200124-200124");
      StepResult r = result(rt.start(step("a", "echo -n done > $TORK_OUTPUT"), l -> {}));
      assertThat(r.output()).isEqualTo("done");
      assertThat(stuck.isAlive()).isTrue();
      assertThatThrownBy(() -> rt.start(step("b", "true"), l -> {})).isInstanceOf(StepFailure.class)
          .hasMessageStartingWith("no free task user");
    } finally {
      stuck.destroyForcibly();
    }
  }

  @Test
  void aLeaseWaitsForTheUserOfATaskThatHasEndedAndFailsAtOnceWhenNoneHas() throws Exception {
    TaskUsers users = TaskUsers.of("auto", "auto", "200121-200121", 0);
    TaskUsers.User user = users.lease();
    try {
      long before = System.nanoTime();
      assertThatThrownBy(users::lease).isInstanceOf(StepFailure.class).hasMessageStartingWith("no free task user");
      assertThat(Duration.ofNanos(System.nanoTime() - before)).as("no task has ended: no wait").isLessThan(Duration.ofSeconds(1));
      // Its task ended; its files are being removed, and then it is given back.
      users.ending(user);
      var leased = new java.util.concurrent.atomic.AtomicReference<Object>();
      Thread leasing = new Thread(() -> {
        try {
          leased.set(users.lease());
        } catch (StepFailure e) {
          leased.set(e);
        }
      });
      leasing.start();
      Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> leasing.getState() == Thread.State.WAITING);
      users.release(user);
      leasing.join(TimeUnit.SECONDS.toMillis(5));
      assertThat(leased.get()).isEqualTo(user);
    } finally {
      users.release(user);
    }
  }

  @Test
  void aRunsDirectoryTheUsersCannotReachIsRefusedNamingTheDirectoryInTheWay() throws Exception {
    Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwx------"));
    assertThatThrownBy(() -> runtime("200100-200109")).isInstanceOf(IllegalStateException.class)
        .hasMessage("shell tasks run as a user of its own from jtork.runtime.shell.uid-range (200100-200109) and cannot"
            + " reach " + root + ": " + base + " is not searchable by other users; choose"
            + " jtork.runtime.shell.workdir-root outside it");
  }

  @Test
  void tasksStartThroughTheSpawnerWhereItRuns() throws Exception {
    StepResult r = result(runtime("200100-200109").start(step("a", "echo -n $PPID > $TORK_OUTPUT"), l -> {}));
    long parent = Long.parseLong(r.output());
    if (spawner()) {
      assertThat(Files.readString(Path.of("/proc", Long.toString(parent), "comm")).trim()).isEqualTo("perl");
    } else {
      assertThat(parent).isEqualTo(ProcessHandle.current().pid());
    }
  }

  @Test
  void aTaskCannotGainPrivilegesNorGetBackToRoot() throws Exception {
    StepResult r = result(runtime("200100-200109").start(step("a",
        "grep -E '^(NoNewPrivs|Uid|Gid|Groups):' /proc/self/status > $TORK_OUTPUT"), l -> {}));
    assertThat(r.succeeded()).as("%s", r).isTrue();
    Map<String, List<String>> status = new java.util.HashMap<>();
    for (String line : r.output().split("\n")) {
      String[] kv = line.split(":", 2);
      status.put(kv[0], List.of(kv[1].trim().isEmpty() ? new String[0] : kv[1].trim().split("\\s+")));
    }
    String uid = status.get("Uid").get(0);
    assertThat(Integer.parseInt(uid)).isBetween(200100, 200109);
    // real, effective, saved and file-system ids alike, so no way back to root
    assertThat(status.get("Uid")).containsOnly(uid).hasSize(4);
    assertThat(status.get("Gid")).containsOnly(uid).hasSize(4);
    // no supplementary group but its own (setpriv leaves none, the spawner its own gid)
    assertThat(status.get("Groups")).isSubsetOf(uid);
    // no set-user-id program (su, sudo) can raise it again
    assertThat(status.get("NoNewPrivs")).containsExactly("1");
  }

  @Test
  void aNamedUserRunsEveryTask() throws Exception {
    runtime = new ShellRuntime(List.of("bash", "-c"), root, List.of("PATH"), TaskUsers.of("nobody", "auto", "", 0),
        spawner());
    StepResult r = result(runtime.start(step("a", "echo -n \"$(id -un) $(id -u)\" > $TORK_OUTPUT"), l -> {}));
    assertThat(r.output()).isEqualTo("nobody 65534");
  }

  @Test
  void settingsThatCannotBeUsedAreRefusedNamingTheSetting() {
    assertThatThrownBy(() -> TaskUsers.of("auto", "auto", "5-1", 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("jtork.runtime.shell.uid-range = \"5-1\": must be first-last");
    assertThatThrownBy(() -> TaskUsers.of("no-such-user-here", "auto", "", 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("jtork.runtime.shell.uid = \"no-such-user-here\": no such user");
    assertThatThrownBy(() -> TaskUsers.of("nobody", "no-such-group-here", "", 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("jtork.runtime.shell.gid = \"no-such-group-here\": no such group");
    assertThatThrownBy(() -> TaskUsers.of("nobody", "auto", "", 1000)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("jtork.runtime.shell.uid = \"nobody\": running tasks as another user needs the node to run as root");
    assertThat(TaskUsers.of("auto", "auto", "", 1000).switches()).as("auto, not root: the node's own user").isFalse();
  }
}
