package io.jtork.runtime.shell;

import io.jtork.runtime.OutputSink;
import io.jtork.runtime.RunningStep;
import io.jtork.runtime.StepFailure;
import io.jtork.runtime.StepSpec;
import io.jtork.runtime.TaskRuntime;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs steps as host processes. Each step gets {@code <root>/<id>/} holding {@code workdir/} (its
 * files, and its working directory), {@code pid}, {@code stdout} for {@code $TORK_OUTPUT} and
 * {@code progress} for {@code $TORK_PROGRESS} (created by the script if it writes them). The
 * script is the shell's argument, or, when too long for one or given to an {@code entrypoint},
 * the file {@code entrypoint}. Every file created and deleted per task costs the file system
 * real work at a few hundred tasks a second (on ext4, new inodes most of all), so there are few.
 * The process leads a session and process group of its own (started by the {@link Spawner}, or
 * under {@code setsid}), so a kill reaches its children too. Its environment is the task's
 * {@code env}, the Tork variables and a few inherited ones (PATH, HOME...), never the engine's own
 * environment, which may hold credentials.
 */
public final class ShellRuntime implements TaskRuntime {
  private static final Logger log = LoggerFactory.getLogger(ShellRuntime.class);
  private static final String LAUNCH_MECHANISM = "jdk.lang.Process.launchMechanism";

  static {
    // JDK 17 starts a process through jspawnhelper by default: one more exec per task, whose
    // dynamic loading costs (in a VM, its CPUID probes trap) about as much as the task's own
    // setsid. VFORK (the default up to JDK 11) execs the task directly: 8% more shell tasks
    // per second on 2 cores (bin/benchmark each-scale, 282 -> 304 tasks/s). Only when the JVM
    // was not told otherwise, and only if no process was started before this class loaded.
    if (System.getProperty(LAUNCH_MECHANISM) == null) System.setProperty(LAUNCH_MECHANISM, "VFORK");
  }
  /**
   * Forks share this; writing a script that a process will execute holds it alone. A process
   * forked while another thread had a script open for writing holds that descriptor until it
   * execs, and a script executed meanwhile fails with "Text file busy" (exit 126; a few in 1,000
   * entrypoint steps in {@code ShellRuntimeTest}). JVM-wide, since any runtime's fork can inherit
   * any runtime's file; nothing else in a node forks.
   */
  private static final ReentrantReadWriteLock SCRIPTS_AND_FORKS = new ReentrantReadWriteLock();
  private static final long SPAWNER_RETRY_SECONDS = 5;
  private final List<String> shellCommand;
  private final Path root;
  private final List<String> inheritedEnv;
  private final ExecutorService ioThreads;
  private final TaskUsers users;
  private final boolean useSpawner;
  /** The running spawner, if any; the fields below it are guarded by {@code this}. */
  private volatile Spawner spawner;
  /** When a spawner may be tried again after one failed to start ({@link System#nanoTime}). */
  private long nextSpawnerStart;
  private boolean spawnerFailed;
  private boolean spawnerUnsupported;
  private volatile boolean closed;

  /**
   * @param root this node's own directory for step working directories; whatever a previous run
   *     of the node left running there (it was killed) is killed now
   */
  /** The node's run directory as errors show it instead of its host path. */
  static final String ROOT_SHOWN = "<runs>";

  @Override
  public String scrub(String error) {
    if (error == null) return null;
    String out = error;
    for (Path p : List.of(root.toAbsolutePath().normalize(), root)) {
      String s = p.toString();
      if (!s.isEmpty() && !s.equals(".")) out = out.replace(s, ROOT_SHOWN);
    }
    try {
      String real = root.toRealPath().toString();
      out = out.replace(real, ROOT_SHOWN);
    } catch (IOException | RuntimeException e) {
      // the directory may be gone; the other forms were replaced
    }
    return out;
  }

  public ShellRuntime(List<String> shellCommand, Path root, List<String> inheritedEnv) {
    this(shellCommand, root, inheritedEnv, TaskUsers.nodeUser());
  }

  /**
   * @param users who tasks run as; when they are not the node's own user, {@code root} must be
   *     reachable by them (every directory above it searchable by others), and it is made
   *     searchable but not listable ({@code rwx--x--x}) so that no task can find another's directory
   */
  public ShellRuntime(List<String> shellCommand, Path root, List<String> inheritedEnv, TaskUsers users) {
    this(shellCommand, root, inheritedEnv, users, true);
  }

  /**
   * @param useSpawner whether tasks start through the {@link Spawner} (when it can run here), not
   *     as a chain of {@code setpriv} and {@code setsid} before the shell
   */
  public ShellRuntime(List<String> shellCommand, Path root, List<String> inheritedEnv, TaskUsers users,
      boolean useSpawner) {
    this.useSpawner = useSpawner;
    this.shellCommand = List.copyOf(shellCommand);
    this.root = root;
    this.inheritedEnv = List.copyOf(inheritedEnv);
    this.users = users;
    AtomicInteger n = new AtomicInteger();
    this.ioThreads = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "jtork-shell-io-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    try {
      Files.createDirectories(root);
    } catch (IOException e) {
      log.warn("could not create the shell runtime's directory {}: {}", root, e.toString());
    }
    if (users.switches()) prepareSharedRoot();
    int killed = ShellStep.killOrphans(root);
    if (users.perTask()) killed += users.killLeftovers();
    if (killed > 0) {
      log.warn("killed {} task process group(s) left running by a previous run of this node", killed);
    }
  }

  /**
   * The root as tasks running as other users need it: a real directory of the node's user (not
   * a link someone else planted), {@code rwx--x--x}, below directories they can search.
   */
  private void prepareSharedRoot() {
    try {
      if (Files.isSymbolicLink(root) || !Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
        throw new IllegalStateException("the shell runtime's directory " + root + " is not a directory");
      }
      int owner = (Integer) Files.getAttribute(root, "unix:uid", LinkOption.NOFOLLOW_LINKS);
      if (owner != TaskUsers.currentUid()) {
        throw new IllegalStateException("the shell runtime's directory " + root + " belongs to uid " + owner
            + ", not to the node's user; choose another jtork.runtime.shell.workdir-root");
      }
      Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx--x--x"));
      for (Path p = root.toRealPath().getParent(); p != null; p = p.getParent()) {
        if (!Files.getPosixFilePermissions(p).contains(PosixFilePermission.OTHERS_EXECUTE)) {
          throw new IllegalStateException("shell tasks run as " + users.describe() + " and cannot reach " + root + ": "
              + p + " is not searchable by other users; choose jtork.runtime.shell.workdir-root outside it");
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("the shell runtime's directory " + root + " cannot be prepared: " + e, e);
    }
  }

  @Override
  public String name() {
    return "shell";
  }

  /**
   * What only a container gives and a host process goes without: the task runs the same, on the
   * host and unconfined, and its log says so. Tork's shell runtime refuses these, which makes
   * its own examples (an image on every task, {@code defaults.limits}) fail on it.
   */
  @Override
  public List<String> notes(StepSpec s) {
    List<String> out = new ArrayList<>();
    if (s.image() != null && !s.image().isBlank()) {
      out.add("[jtork] the shell runtime ignores image \"" + s.image() + "\": the task runs on the host");
    }
    if (s.limits() != null && !s.limits().unset()) {
      List<String> set = new ArrayList<>();
      if (s.limits().cpus() != null && !s.limits().cpus().isBlank()) set.add("cpus " + s.limits().cpus());
      if (s.limits().memory() != null && !s.limits().memory().isBlank()) set.add("memory " + s.limits().memory());
      out.add("[jtork] the shell runtime ignores limits (" + String.join(", ", set) + "): nothing confines the task");
    }
    return out;
  }

  /**
   * The fields a host process cannot honour because the script depends on them (a path, a
   * network, a device, a working directory), as field names: they fail the task.
   */
  static List<String> unsupported(StepSpec s) {
    List<String> out = new ArrayList<>();
    if (!s.mounts().isEmpty()) out.add("mounts");
    if (!s.networks().isEmpty()) out.add("networks");
    if (!s.sidecars().isEmpty()) out.add("sidecars");
    if (s.registry() != null) out.add("registry");
    if (s.gpus() != null && !s.gpus().isBlank()) out.add("gpus");
    if (s.workdir() != null && !s.workdir().isBlank()) out.add("workdir");
    return out;
  }

  @Override
  public RunningStep start(StepSpec step, OutputSink output) throws StepFailure {
    if (closed) throw new StepFailure("the shell runtime is closed: the node is stopping");
    List<String> refused = unsupported(step);
    if (!refused.isEmpty()) {
      throw new StepFailure(String.join(", ", refused) + (refused.size() == 1 ? " is" : " are")
          + " not supported by the shell runtime");
    }
    boolean hasRun = step.run() != null && !step.run().isBlank();
    if (!hasRun && step.cmd().isEmpty()) throw new StepFailure("nothing to run: the task has neither run nor cmd");
    TaskUsers.User user = users.lease();
    Path dir = null;
    try {
      dir = stepDirectory(step);
      // The directory is the owner's alone (rwx------), so what is in it needs no permissions of its own.
      // A task running as another user gets a directory of its own inside ({@code task/}): the pid
      // file beside it stays the node's, out of the task's reach.
      Path taskDir = dir;
      if (user != null) {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        taskDir = Files.createDirectory(dir.resolve(ShellStep.TASK_DIR),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      }
      Path workdir = Files.createDirectory(taskDir.resolve(ShellStep.WORKDIR));
      Path script = taskDir.resolve(ShellStep.ENTRYPOINT);
      String run = hasRun ? step.run() : "";
      boolean inline = step.entrypoint().isEmpty() && step.cmd().isEmpty() && fitsAnArgument(run);
      boolean executed = !step.entrypoint().isEmpty() && step.cmd().isEmpty();
      if (executed) {
        // The entrypoint is given the file's path, as in a container (["bash", "-c"] executes
        // it), so it must be executable, and written while no process is being forked.
        SCRIPTS_AND_FORKS.writeLock().lock();
        try {
          Files.writeString(script, run, StandardCharsets.UTF_8);
        } finally {
          SCRIPTS_AND_FORKS.writeLock().unlock();
        }
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("r-x------"));
      } else if (!inline) {
        Files.writeString(script, run, StandardCharsets.UTF_8);
      }
      for (Map.Entry<String, String> f : step.files().entrySet()) {
        Path target = workdir.resolve(f.getKey()).normalize();
        if (!target.startsWith(workdir)) throw new StepFailure("invalid file name \"" + f.getKey() + "\"");
        Files.createDirectories(target.getParent());
        Files.writeString(target, f.getValue(), StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("r--r--r--"));
      }
      if (user != null) giveTo(taskDir, user);
      List<String> argv = new ArrayList<>();
      if (!step.entrypoint().isEmpty()) {
        argv.addAll(step.entrypoint());
        if (!step.cmd().isEmpty()) argv.addAll(step.cmd());
        else argv.add(script.toString());
      } else if (!step.cmd().isEmpty()) {
        if (hasRun) argv.addAll(shellCommand);
        argv.addAll(step.cmd());
      } else if (inline) {
        // The script as the shell's argument: no file to create and delete for every task.
        argv.addAll(shellCommand);
        argv.add(run);
      } else {
        // Too long for one argument: the shell reads the file, so it need not be executable
        // (nor written under SCRIPTS_AND_FORKS).
        argv.addAll(shellCommand);
        argv.add(". '" + script + "'");
      }

      Map<String, String> env = environment(step, user, taskDir);
      TaskProcess process = start(argv, env, workdir, dir.resolve(ShellStep.OUT), user);
      ShellStep.recordPid(dir, process);
      return new ShellStep(process, dir, taskDir, output, ioThreads, users, user);
    } catch (IOException e) {
      if (dir != null) ShellStep.deleteQuietly(dir);
      if (e instanceof Spawner.Unsettled && user != null && users.perTask()) {
        // A process may yet start as this user, after any kill now: the user is not given to
        // another task while this node runs (the next start kills what it left).
        log.warn("task user {} stays taken until the node restarts: a task may run as it after its start failed ({})",
            user.uid(), e.getMessage());
      } else if (user != null && users.perTask() && !users.killAll(user)) {
        log.warn("task user {} stays taken until the node restarts: a process of it outlived its kill after a failed"
            + " start", user.uid());
      } else {
        users.release(user);
      }
      throw new StepFailure("shell runtime could not start the task: " + e.getMessage(), e);
    } catch (StepFailure | RuntimeException e) {
      if (dir != null) ShellStep.deleteQuietly(dir);
      users.release(user);
      throw e;
    }
  }

  /**
   * The task's environment: the inherited host variables, the task's {@code env} and the Tork
   * variables; nothing else of the node's.
   */
  private Map<String, String> environment(StepSpec step, TaskUsers.User user, Path taskDir) {
    Map<String, String> host = System.getenv();
    Map<String, String> env = new LinkedHashMap<>();
    for (String name : inheritedEnv) {
      if (host.containsKey(name)) env.put(name, host.get(name));
    }
    // The node's home is not the task user's: its own directory is.
    if (user != null) env.put("HOME", taskDir.toString());
    env.putAll(step.env());
    env.put("TORK_OUTPUT", taskDir.resolve(ShellStep.STDOUT).toString());
    env.put("TORK_PROGRESS", taskDir.resolve(ShellStep.PROGRESS).toString());
    return env;
  }

  /**
   * Starts {@code argv} as {@code user} in a session of its own: through the {@link Spawner} when
   * there is one, else as {@code setpriv} (for another user) and {@code setsid} before it.
   */
  private TaskProcess start(List<String> argv, Map<String, String> env, Path workdir, Path out, TaskUsers.User user)
      throws IOException {
    Spawner s = spawner();
    if (s != null) return s.spawn(argv, env, workdir, out, user);
    List<String> chain = new ArrayList<>(TaskUsers.switchTo(user));
    chain.add("setsid");
    chain.addAll(argv);
    // stdin /dev/null, as the spawner gives it: a task that reads it ends instead of waiting forever.
    ProcessBuilder pb = new ProcessBuilder(chain).directory(workdir.toFile()).redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    pb.environment().clear();
    pb.environment().putAll(env);
    SCRIPTS_AND_FORKS.readLock().lock();
    try {
      return TaskProcess.of(pb.start());
    } finally {
      SCRIPTS_AND_FORKS.readLock().unlock();
    }
  }

  /**
   * The spawner, started now if it is not running (again after it stopped, at most every few
   * seconds); null when this runtime does without one or it cannot start here.
   */
  private Spawner spawner() {
    if (!useSpawner) return null;
    Spawner s = spawner;
    if (s != null && s.isAlive()) return s;
    synchronized (this) {
      s = spawner;
      if (s != null && s.isAlive()) return s;
      if (s != null) s.discard(); // its running tasks fail: how they end cannot be known
      spawner = null;
      if (closed || spawnerUnsupported || (spawnerFailed && System.nanoTime() - nextSpawnerStart < 0)) return null;
      // Started as a task is (a fork of this JVM), so under the same lock.
      SCRIPTS_AND_FORKS.readLock().lock();
      try {
        spawner = Spawner.start();
        if (s != null) log.warn("the task spawner stopped and was started again");
        return spawner;
      } catch (IOException | RuntimeException e) {
        nextSpawnerStart = System.nanoTime() + TimeUnit.SECONDS.toNanos(SPAWNER_RETRY_SECONDS);
        // No Perl, or a machine it cannot serve: that will not change while the node runs.
        spawnerUnsupported = e instanceof Spawner.Unavailable;
        if (!spawnerFailed) {
          log.info("shell tasks start through setsid{}: {}", users.switches() ? " and setpriv" : "", e.getMessage());
          spawnerFailed = true;
        }
        return null;
      } finally {
        SCRIPTS_AND_FORKS.readLock().unlock();
      }
    }
  }

  /** Makes everything under {@code dir} (written by the node) the task user's. */
  private static void giveTo(Path dir, TaskUsers.User user) throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        Files.setAttribute(p, "unix:gid", user.gid(), LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(p, "unix:uid", user.uid(), LinkOption.NOFOLLOW_LINKS);
      }
    }
  }

  /**
   * Whether {@code script} can be passed as one argument: Linux takes at most 128 KiB per
   * argument ({@code MAX_ARG_STRLEN}), and no NUL.
   */
  static boolean fitsAnArgument(String script) {
    return script.length() <= 32 * 1024 && script.indexOf('\0') < 0
        && script.getBytes(StandardCharsets.UTF_8).length <= 64 * 1024;
  }

  /** A new directory of the owner's alone for the step under the root (created again if it was removed). */
  private Path stepDirectory(StepSpec step) throws IOException {
    try {
      return Files.createTempDirectory(root, safe(step.executionId()) + "-");
    } catch (NoSuchFileException e) {
      Files.createDirectories(root);
      return Files.createTempDirectory(root, safe(step.executionId()) + "-");
    }
  }

  private static String safe(String id) {
    return id == null ? "step" : id.replaceAll("[^A-Za-z0-9_.-]", "_");
  }

  @Override
  public boolean isHealthy() {
    return Files.isExecutable(Path.of("/bin/sh")) || Files.isExecutable(Path.of("/usr/bin/sh"));
  }

  @Override
  public void close() {
    // The steps' threads first: a step still running is left to run (as it is when a node
    // stops), not failed when its spawner goes.
    ioThreads.shutdownNow();
    synchronized (this) {
      closed = true;
      if (spawner != null) spawner.close();
    }
    if (users.switches()) {
      try {
        Files.deleteIfExists(root); // outside the data directory: not left behind once empty
      } catch (IOException e) {
        // a task's directory is still there: the next start of this node cleans it up
      }
    }
  }
}
