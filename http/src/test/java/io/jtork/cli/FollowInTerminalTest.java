package io.jtork.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.jtork.api.TestNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jtork submit FILE --follow} as a person runs it: a separate JVM inside a pseudo-terminal
 * (tmux, 120x40, TERM=xterm-256color), the screen read with {@code tmux capture-pane}; and the same
 * job with stdout piped, which prints plain lines. The job has a task that fails once and then
 * succeeds on retry, a parallel of two, an each of three, log lines and a moving progress bar.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FollowInTerminalTest {
  static final Duration RUN = Duration.ofSeconds(120);

  TestNode node;
  final String tmux = "jtork-test-" + UUID.randomUUID().toString().substring(0, 8);

  @TempDir
  Path dir;

  @BeforeAll
  void start() throws Exception {
    // $TORK_PROGRESS read every 200 ms (1 s by default), so the bar moves while the test looks.
    node = TestNode.h2(Map.of("jtork.worker.progress-interval", "200ms"));
  }

  @AfterAll
  void stop() throws Exception {
    try {
      new ProcessBuilder("tmux", "-L", tmux, "kill-server").redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(10, TimeUnit.SECONDS);
    } catch (IOException e) {
      // no tmux: nothing was started
    }
    if (node != null) node.close();
  }

  /** The job, with a marker of its own so that "flaky" fails once in each run. */
  private Path demoJob() throws IOException {
    Path marker = TestNode.taskDir("jtork-follow-").resolve("failed-once");
    return Files.writeString(dir.resolve("demo-" + UUID.randomUUID() + ".yaml"), """
        name: cli follow demo
        tasks:
        - name: flaky
          retry: {limit: 2}
          run: |
            echo "flaky: attempt starts"
            if [ -f %s ]; then echo "flaky: second time lucky"; exit 0; fi
            touch %s; echo "flaky: failing on purpose"; exit 1
        - name: fan out
          parallel:
            tasks:
            - name: left
              run: |
                for i in 1 2 3 4 5; do echo "left step $i"; echo $((i*20)) > $TORK_PROGRESS; sleep 0.6; done
            - name: right
              run: |
                echo "right says hi"; sleep 1
        - name: per item
          each:
            list: "{{ sequence(1,4) }}"
            task:
              name: "item {{ item.value }}"
              env: {V: "{{ item.value }}"}
              run: echo "processing item $V"; sleep 0.5
        """.formatted(marker, marker));
  }

  private static List<String> jtorkCommand(String... args) {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:TieredStopAtLevel=1",
        // The test class path has two logback-test.xml, which logback would report on stdout.
        "-Dlogback.statusListenerClass=ch.qos.logback.core.status.NopStatusListener", "-cp", System.getProperty("java.class.path"),
        "io.jtork.cli.JtorkCommand"));
    command.addAll(List.of(args));
    return command;
  }

  /** What a terminal of 120x40 shows after {@code jtork args}, and the screens seen while it ran. */
  private record Screen(int exit, List<String> lines, Set<String> seen, String stderr) {
    String text() {
      return String.join("\n", lines);
    }
  }

  private Screen inTerminal(String session, String... args) throws Exception {
    assumeTmux();
    Path exit = dir.resolve(session + ".exit");
    Path stderr = dir.resolve(session + ".err");
    Path script = dir.resolve(session + ".sh");
    StringBuilder command = new StringBuilder();
    for (String a : jtorkCommand(args)) command.append('\'').append(a.replace("'", "'\\''")).append("' ");
    Files.writeString(script, "#!/bin/sh\nexport TERM=xterm-256color\nunset JTORK_ENDPOINT\n" + command
        + "2>'" + stderr + "'\necho $? > '" + exit + ".tmp' && mv '" + exit + ".tmp' '" + exit + "'\nsleep 600\n");
    run("tmux", "-L", tmux, "-f", "/dev/null", "new-session", "-d", "-s", session, "-x", "120", "-y", "40",
        "sh " + script);
    Set<String> seen = new LinkedHashSet<>();
    Awaitility.await().atMost(RUN).pollInterval(Duration.ofMillis(100)).until(() -> {
      seen.add(capture(session));
      return Files.exists(exit);
    });
    List<String> lines = capture(session).lines().map(String::stripTrailing).toList();
    run("tmux", "-L", tmux, "kill-session", "-t", session);
    return new Screen(Integer.parseInt(Files.readString(exit).strip()), lines, seen, Files.readString(stderr));
  }

  private String capture(String session) throws Exception {
    return run("tmux", "-L", tmux, "capture-pane", "-p", "-J", "-t", session, "-S", "-200");
  }

  private static String run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", command) + ": " + out).isZero();
    return out;
  }

  private static void assumeTmux() {
    boolean found = System.getenv("PATH") != null && java.util.Arrays.stream(System.getenv("PATH").split(":"))
        .anyMatch(d -> Files.isExecutable(Path.of(d, "tmux")));
    // On CI the test must run (.ci/run installs tmux); elsewhere it is skipped without one.
    if (!"true".equals(System.getenv("CI"))) assumeThat(found).as("tmux is installed").isTrue();
  }

  /** The line matching {@code regex}, which must be there once. */
  private static int lineOf(List<String> lines, String regex) {
    Pattern p = Pattern.compile(regex);
    List<Integer> at = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) if (p.matcher(lines.get(i)).matches()) at.add(i);
    assertThat(at).as("lines matching " + regex + " in\n" + String.join("\n", lines)).hasSize(1);
    return at.get(0);
  }

  @Test
  void followShowsTheJobLiveInATerminal() throws Exception {
    Screen s = inTerminal("ok", "submit", demoJob().toString(), "--follow", "--endpoint", node.base);
    List<String> lines = s.lines();
    assertThat(s.exit()).as(s.text()).isZero();
    assertThat(s.stderr()).isEmpty();

    // While it ran: the job RUNNING, and the bar of "left" part filled.
    assertThat(s.seen()).anyMatch(screen -> screen.contains("cli follow demo  RUNNING  ["));
    assertThat(s.seen()).anyMatch(screen -> Pattern.compile("(?m)^    left +RUNNING +\\[#+\\.+\\] +[1-9]\\d%")
        .matcher(screen).find());

    // At the end: the submission, the log lines above the block, the block once, the end.
    String id = lines.get(lineOf(lines, "job [0-9a-f]{32} \"cli follow demo\" submitted")).split(" ")[1];
    for (String log : List.of("flaky \\| flaky: failing on purpose", "flaky \\| flaky: second time lucky",
        "left \\| left step 1", "left \\| left step 5", "right \\| right says hi", "item 1 \\| processing item 1",
        "item 3 \\| processing item 3")) {
      lineOf(lines, log);
    }
    int header = lineOf(lines, "cli follow demo  COMPLETED  \\[#{20}\\] 100%  task 3/3  \\d+\\.\\ds  job " + id);
    assertThat(lines.subList(header + 1, header + 12)).satisfiesExactly(
        l -> assertThat(l).matches("  flaky +FAILED +attempt 1/3  exit code 1: flaky: attempt starts \\.\\.\\."),
        l -> assertThat(l).matches("  flaky +COMPLETED +\\[#{20}\\] 100%  \\d+\\.\\ds  attempt 2/3"),
        l -> assertThat(l).matches("  fan out +COMPLETED +\\[#{20}\\] 100%  \\d+\\.\\ds  2/2 done"),
        l -> assertThat(l).matches("    left +COMPLETED +\\[#{20}\\] 100%  \\d+\\.\\ds"),
        l -> assertThat(l).matches("    right +COMPLETED +\\[#{20}\\] 100%  \\d+\\.\\ds"),
        l -> assertThat(l).matches("  per item +COMPLETED +\\[#{20}\\] 100%  \\d+\\.\\ds  3/3 done"),
        l -> assertThat(l).matches("    item 1 +COMPLETED +\\[#{20}\\] 100%  \\d+\\.\\ds"),
        l -> assertThat(l).matches("    item 2 +COMPLETED +\\[#{20}\\] 100%  \\d+\\.\\ds"),
        l -> assertThat(l).matches("    item 3 +COMPLETED +\\[#{20}\\] 100%  \\d+\\.\\ds"),
        l -> assertThat(l).matches("job " + id + " COMPLETED in \\d+\\.\\ds"),
        l -> assertThat(l).isEmpty());
    // Every log line is above the block.
    assertThat(lines.subList(header, lines.size())).noneMatch(l -> l.contains(" | "));
  }

  @Test
  void aFailedJobEndsWithItsErrorAndExitCodeOne() throws Exception {
    Path job = Files.writeString(dir.resolve("fails.yaml"), """
        name: cli follow fails
        tasks:
        - name: doomed
          run: echo "about to fail"; sleep 1; echo "disk full" >&2; exit 3
        """);
    Screen s = inTerminal("fails", "submit", job.toString(), "--follow", "--endpoint", node.base);
    assertThat(s.exit()).as(s.text()).isEqualTo(1);
    List<String> lines = s.lines();
    lineOf(lines, "doomed \\| about to fail");
    lineOf(lines, "cli follow fails  FAILED  .*");
    lineOf(lines, "  doomed +FAILED +exit code 3: about to fail \\.\\.\\.");
    int end = lineOf(lines, "job [0-9a-f]{32} FAILED in \\d+\\.\\ds: exit code 3: about to fail");
    assertThat(lines.get(end + 1)).isEqualTo("  disk full");
  }

  @Test
  void pipedItPrintsPlainLines() throws Exception {
    Path stderr = dir.resolve("piped.err");
    Process p = new ProcessBuilder(jtorkCommand("submit", demoJob().toString(), "--follow", "--endpoint", node.base))
        .redirectError(stderr.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(RUN.toSeconds(), TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(Files.readString(stderr)).isEmpty();
    assertThat(out).doesNotContain("\u001b").doesNotContain("\r");

    List<String> lines = out.lines().toList();
    String id = lines.get(lineOf(lines, "job [0-9a-f]{32} \"cli follow demo\" submitted")).split(" ")[1];
    String t = "\\[ +\\d+\\.\\ds\\] ";
    int failed = lineOf(lines, t + "task \"flaky\" FAILED \\(attempt 1/3\\): exit code 1: flaky: attempt starts \\.\\.\\.");
    int retried = lineOf(lines, t + "task \"flaky\" RUNNING \\(attempt 2/3\\)");
    int completed = lineOf(lines, t + "task \"flaky\" COMPLETED \\(attempt 2/3\\)");
    assertThat(failed).isLessThan(retried).isLessThan(completed);
    for (String task : List.of("fan out", "left", "right", "per item", "item 1", "item 2", "item 3")) {
      assertThat(lineOf(lines, t + "task \"" + task + "\" RUNNING"))
          .isLessThan(lineOf(lines, t + "task \"" + task + "\" COMPLETED"));
    }
    assertThat(lines).anyMatch(l -> l.matches(t + "task \"left\" [2-8]0%"));
    lineOf(lines, "left \\| left step 3");
    lineOf(lines, "item 2 \\| processing item 2");
    assertThat(lines.get(lines.size() - 1)).matches("job " + id + " COMPLETED in \\d+\\.\\ds");
  }
}
