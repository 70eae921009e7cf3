package io.jtork.runtime.shell;

import io.jtork.runtime.LastProgress;
import io.jtork.runtime.OutputSink;
import io.jtork.runtime.RunningStep;
import io.jtork.runtime.StepResult;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One host process and its process group. When the process exits, whatever it left running in
 * its group is killed too, so a task never leaves a process behind.
 */
final class ShellStep implements RunningStep {
  private static final Logger log = LoggerFactory.getLogger(ShellStep.class);
  private static final int MAX_OUTPUT_BYTES = 10 * 1024 * 1024;

  // A step's directory: its working directory, and the files jtork may put beside it (the
  // runtime creates them, the step reads and removes them).
  static final String WORKDIR = "workdir";
  static final String ENTRYPOINT = "entrypoint";
  static final String STDOUT = "stdout";
  static final String PROGRESS = "progress";
  static final String PID = "pid";
  /** The named pipe a task started by {@link Spawner} writes its stdout and stderr to. */
  static final String OUT = "out";
  /** A task running as another user: its own directory inside the step's, which keeps {@code pid} out of its reach. */
  static final String TASK_DIR = "task";
  private static final List<String> FILES = List.of(ENTRYPOINT, STDOUT, PROGRESS, PID, OUT);

  /** How long after its start a step counts as recent for {@link ProcessGroup#members}. */
  private static final long RECENT_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final TaskProcess process;
  private final Path dir;
  /** Where the task's own files are: {@code dir} itself, or {@code dir/task} for a task running as another user. */
  private final Path taskDir;
  private final TaskUsers users;
  private final TaskUsers.User user;
  private final ExecutorService io;
  private final LastProgress progress = new LastProgress();
  private final long startedNanos = System.nanoTime();
  private final CompletableFuture<StepResult> completion = new CompletableFuture<>();
  private final Future<?> reader;

  ShellStep(TaskProcess process, Path dir, Path taskDir, OutputSink sink, ExecutorService io, TaskUsers users,
      TaskUsers.User user) {
    this.process = process;
    this.dir = dir;
    this.taskDir = taskDir;
    this.users = users;
    this.user = user;
    this.io = io;
    this.reader = io.submit(() -> pump(sink));
    // Not process.onExit(): on a machine with fewer than three cores its completion runs on a
    // new thread each time (CompletableFuture's default executor), a thread per task.
    io.submit(this::awaitExit);
  }

  private void awaitExit() {
    int exitCode;
    String unknown = null;
    try {
      exitCode = process.waitFor();
    } catch (InterruptedException e) {
      return; // the runtime is closing
    } catch (IOException e) {
      exitCode = -1;
      unknown = e.getMessage();
    }
    finish(exitCode, unknown);
  }

  private void pump(OutputSink sink) {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(process.output(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) sink.line(line);
    } catch (IOException e) {
      // The stream closes when the group is killed; nothing more to read.
    }
  }

  /** @param unknown why how the process ended is not known, or null when {@code exitCode} is its exit code */
  private void finish(int exitCode, String unknown) {
    // The step's own process has exited; anything it left running in its group dies with it,
    // and, when it had a user of its own, anything that user still runs (a process that left
    // the group), so that nothing writes its files while they are read, nor outlives the task.
    ProcessGroup.kill(process.pid(), System.nanoTime() - startedNanos < RECENT_NANOS);
    boolean clean = !users.perTask() || users.killAll(user);
    try {
      reader.get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      reader.cancel(true);
    }
    StepResult result = unknown != null ? StepResult.failed(unknown) : exited(exitCode);
    // The step counts as ended before its directory is removed (a task's latency, not its
    // cost); its user is given back after that, and a task that needs it meanwhile waits.
    users.ending(user);
    try {
      completion.complete(result);
    } finally {
      deleteQuietly(dir);
      if (clean) {
        users.release(user);
      } else {
        users.withhold(user);
        log.error("task user {} still runs a process of a task that has ended, which outlived its kill: the user is"
            + " given to no other task until the node restarts, which kills it", user.uid());
      }
    }
  }

  private StepResult exited(int exitCode) {
    try {
      byte[] out = readTaskFile(taskDir.resolve(STDOUT), MAX_OUTPUT_BYTES);
      return StepResult.exited(exitCode, out == null ? null : new String(out, StandardCharsets.UTF_8));
    } catch (IOException | RuntimeException e) {
      return StepResult.failed("could not read the task's output: " + e.getMessage());
    }
  }

  /**
   * A file the task wrote, at most {@code max} bytes; null if there is none. Only a regular file
   * is read, never through a link: a task must not make the node read a file of the node's (a
   * link to its configuration) or block on a pipe.
   */
  static byte[] readTaskFile(Path p, int max) throws IOException {
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return null;
    }
    if (!a.isRegularFile()) throw new IOException(p.getFileName() + " is not a regular file");
    try (var in = Files.newInputStream(p, LinkOption.NOFOLLOW_LINKS)) {
      return in.readNBytes(max);
    }
  }

  @Override
  public CompletionStage<StepResult> completion() {
    return completion;
  }

  @Override
  public OptionalDouble progress() {
    return progress.poll(!completion.isDone(), io, () -> {
      byte[] b = readTaskFile(taskDir.resolve(PROGRESS), 64);
      return b == null ? null : new String(b, StandardCharsets.UTF_8);
    });
  }

  @Override
  public void kill() {
    killGroup();
    process.destroyForcibly();
  }

  /**
   * Kills the running step: its process group and every descendant seen now (a child that
   * moved to a new session would escape the group, not the descendant list).
   */
  private void killGroup() {
    long pid = process.pid();
    List<ProcessHandle> descendants = new ArrayList<>();
    try {
      ProcessHandle.of(pid).ifPresent(h -> h.descendants().forEach(descendants::add));
    } catch (RuntimeException ignored) {
      // the process is already gone
    }
    ProcessGroup.kill(pid, false);
    descendants.forEach(ProcessHandle::destroyForcibly);
  }

  /**
   * Notes the step's process: its pid and start time in clock ticks (so a reused pid is never
   * mistaken for it).
   */
  static void recordPid(Path dir, TaskProcess process) {
    try {
      Files.writeString(dir.resolve(PID),
          process.pid() + " " + ProcessGroup.startTicks(process.pid()) + " ticks");
    } catch (IOException e) {
      log.warn("could not record the pid of a task process: {}", e.getMessage());
    }
  }

  /**
   * Kills the process groups that steps of an earlier run of this node left behind (the node was
   * killed before it could) and removes their directories. Returns how many were still running.
   */
  static int killOrphans(Path root) {
    int killed = 0;
    if (!Files.isDirectory(root)) return 0;
    try (Stream<Path> dirs = Files.list(root)) {
      for (Path dir : dirs.toList()) {
        Path pidFile = dir.resolve(PID);
        // where earlier versions of jtork kept it
        if (!Files.exists(pidFile)) pidFile = dir.resolve("tork").resolve(PID);
        if (Files.exists(pidFile)) {
          String[] parts = Files.readString(pidFile).trim().split(" ");
          long pid = Long.parseLong(parts[0]);
          long started = parts.length > 1 ? Long.parseLong(parts[1]) : 0;
          var handle = ProcessHandle.of(pid);
          if (handle.isPresent() && sameProcess(handle.get(), started, parts.length > 2 && parts[2].equals("ticks"))) {
            List<ProcessHandle> descendants = new ArrayList<>();
            handle.get().descendants().forEach(descendants::add);
            ProcessGroup.kill(pid, false);
            descendants.forEach(ProcessHandle::destroyForcibly);
            handle.get().destroyForcibly();
            killed++;
          }
        }
        deleteQuietly(dir);
      }
    } catch (IOException | RuntimeException e) {
      log.warn("could not clean up the task directories under {}: {}", root, e.toString());
    }
    return killed;
  }

  /** Whether {@code p} started when the pid file says (in clock ticks; in epoch ms in files of earlier versions). */
  private static boolean sameProcess(ProcessHandle p, long started, boolean ticks) {
    if (ticks) return ProcessGroup.startTicks(p.pid()) == started;
    return p.info().startInstant().map(i -> i.toEpochMilli() == started).orElse(false);
  }

  /**
   * Removes a step's directory: the files jtork put there one by one, then the rest (what the
   * step wrote into {@code workdir}) by walking it. Walking everything, and making each file
   * writable first, cost a dozen system calls per task for a directory that usually holds four
   * files; a read-only file goes with its directory anyway, only a read-only directory needs
   * to be made writable.
   */
  static void deleteQuietly(Path dir) {
    Path task = dir.resolve(TASK_DIR);
    if (Files.isDirectory(task, LinkOption.NOFOLLOW_LINKS)) {
      deleteTree(dir);
      return;
    }
    for (String f : FILES) {
      try {
        Files.deleteIfExists(dir.resolve(f));
      } catch (IOException e) {
        // left for the walk below
      }
    }
    for (Path d : List.of(dir.resolve(WORKDIR), dir)) {
      try {
        Files.deleteIfExists(d);
      } catch (IOException e) {
        deleteTree(dir); // not empty, or not writable: walk it
        return;
      }
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          try {
            // Only directories, never through a link: chmod follows links, and a task's link
            // could point anywhere.
            Path parent = p.getParent();
            if (!Files.isSymbolicLink(parent)) parent.toFile().setWritable(true);
            if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) p.toFile().setWritable(true);
            Files.deleteIfExists(p);
          } catch (IOException | RuntimeException again) {
            // best effort: a temp directory left behind is harmless
          }
        }
      });
    } catch (IOException e) {
      // already gone
    }
  }
}
