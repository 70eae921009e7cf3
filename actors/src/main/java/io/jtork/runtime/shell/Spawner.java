package io.jtork.runtime.shell;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts shell tasks through one long-lived helper process ({@code spawner.pl}, beside this class)
 * instead of a chain of programs per task.
 *
 * <p>Why a helper at all: a task must lead a session of its own (so that killing its process
 * group reaches everything it started) and, on a node running as root, run as a user of its own
 * with no way back ({@code no_new_privs}). Java cannot do either in a child it starts, so each
 * task executed {@code setpriv} and {@code setsid} before its shell: two more programs, each
 * paying the dynamic loader, which in a VM costs about a millisecond of CPU apiece. The helper
 * forks, does both in the child, and executes the shell alone. It is Perl because Perl's core
 * (with POSIX) is on every Debian and Ubuntu system; where it is missing, or the architecture is
 * one it has no system call numbers for, the runtime runs the chain as before.
 *
 * <p>A task's output reaches the node through a named pipe in the step's directory, which the
 * node reads directly; the helper's own pipes carry only requests and one-line answers, and a
 * task holds none of them.
 */
final class Spawner implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Spawner.class);
  private static final long START_TIMEOUT_SECONDS = 10;

  private final Process helper;
  private final OutputStream requests;
  private final AtomicLong ids = new AtomicLong();
  /** A spawn's task: its pid once started, its exit code once ended. */
  private record Task(CompletableFuture<Long> started, CompletableFuture<Integer> exit) {}

  /** The tasks the helper has been asked for and not reported ended, by request id. */
  private final Map<Long, Task> tasks = new ConcurrentHashMap<>();
  /** The helper's first answer: "ready", or why it cannot serve; null if it ended first. */
  private final CompletableFuture<String> ready = new CompletableFuture<>();
  private final AtomicBoolean stopped = new AtomicBoolean();
  /** Set by {@link #close}: the tasks still running are left to run, as a node's are when it stops. */
  private volatile boolean closing;
  /** The helper's program; a test names one that does not exist to see the runtime do without. */
  static volatile String perl = "perl";

  /** The helper cannot run on this machine (no Perl, or one it cannot serve): no use trying again. */
  static final class Unavailable extends IOException {
    Unavailable(String message) {
      super(message);
    }
  }

  /** The helper answered that it could not start the task: nothing runs. */
  static final class Refused extends IOException {
    Refused(String message) {
      super(message);
    }
  }

  /**
   * A start that failed after its request went out, without the helper's word that nothing runs
   * (no answer in time, the helper died, or the task started and is being killed): a process may
   * still run for it a little longer, even start as the task's user.
   */
  static final class Unsettled extends IOException {
    Unsettled(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private Spawner(Process helper) {
    this.helper = helper;
    this.requests = helper.getOutputStream();
  }

  /**
   * Starts the helper and waits until it is ready.
   *
   * @throws Unavailable when there is no Perl, or the helper cannot serve this machine
   * @throws IOException when it did not start for another reason
   */
  static Spawner start() throws IOException {
    String script;
    try (InputStream in = Spawner.class.getResourceAsStream("spawner.pl")) {
      if (in == null) throw new IOException("spawner.pl is missing from the classpath");
      script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    ProcessBuilder pb = new ProcessBuilder(perl, "-e", script);
    // Nothing of the node's environment (credentials, PERL5LIB...) reaches it or, through it, a task.
    pb.environment().clear();
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new Unavailable("there is no " + perl + " to run it: " + e.getMessage());
    }
    Spawner s = new Spawner(p);
    BufferedReader answers = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII));
    daemon("jtork-spawner-answers", () -> s.readAnswers(answers)).start();
    String ready;
    try {
      ready = s.ready.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IOException("interrupted while the task spawner started");
    } catch (ExecutionException | TimeoutException e) {
      ready = null;
    }
    if (!"ready".equals(ready)) {
      p.destroyForcibly();
      String err = new String(p.getErrorStream().readNBytes(500), StandardCharsets.UTF_8).trim();
      String why = "the task spawner did not start: " + (ready != null ? ready : err.isEmpty() ? "no answer" : err);
      throw ready != null && ready.startsWith("unsupported") ? new Unavailable(why) : new IOException(why);
    }
    daemon("jtork-spawner-errors", () -> s.logErrors(p.getErrorStream())).start();
    return s;
  }

  private static Thread daemon(String name, Runnable r) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  boolean isAlive() {
    return !stopped.get() && helper.isAlive();
  }

  /**
   * Starts {@code argv} in {@code cwd} with exactly {@code env}, in a session of its own, as
   * {@code user} (the node's own user when null), its stdout and stderr the named pipe {@code out},
   * which is created now and must not exist.
   */
  TaskProcess spawn(List<String> argv, Map<String, String> env, Path cwd, Path out, TaskUsers.User user)
      throws IOException {
    List<String> fields = new ArrayList<>();
    long id = ids.incrementAndGet();
    fields.add("spawn");
    fields.add(Long.toString(id));
    fields.add(user == null ? "" : Integer.toString(user.uid()));
    fields.add(user == null ? "" : Integer.toString(user.gid()));
    fields.add(cwd.toString());
    fields.add(out.toString());
    fields.add(Integer.toString(argv.size()));
    fields.addAll(argv);
    env.forEach((k, v) -> {
      // What ProcessBuilder refuses, refused the same way.
      if (k.isEmpty() || k.indexOf('=') >= 0 || k.indexOf('\0') >= 0) {
        throw new IllegalArgumentException("Invalid environment variable name: \"" + k + "\"");
      }
      // Not the value itself: it may be a secret.
      if (v.indexOf('\0') >= 0) throw new IllegalArgumentException("Invalid environment variable value of \"" + k + "\": it holds a NUL character");
      fields.add(k + "=" + v);
    });
    for (String f : fields) {
      if (f.indexOf('\0') >= 0) throw new IOException("invalid null character in command");
    }
    CompletableFuture<Long> started = new CompletableFuture<>();
    CompletableFuture<Integer> exit = new CompletableFuture<>();
    tasks.put(id, new Task(started, exit));
    boolean sent = false;
    try {
      if (stopped.get()) throw new IOException("the task spawner stopped");
      send(fields);
      sent = true;
      long pid = started.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      InputStream output;
      try {
        // Opened here, where it cannot block (the helper holds the pipe open until told below),
        // not by the reader later, when it might have no writer left.
        output = Files.newInputStream(out);
      } finally {
        opened(id);
      }
      return new Spawned(pid, ProcessGroup.startTicks(pid), output, exit);
    } catch (IOException | InterruptedException | ExecutionException | TimeoutException | RuntimeException e) {
      tasks.remove(id);
      if (e instanceof InterruptedException) Thread.currentThread().interrupt();
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      if (e instanceof TimeoutException) cause = new IOException("the task spawner did not answer within " + START_TIMEOUT_SECONDS + " s");
      IOException failure = cause instanceof IOException io ? io : new IOException(cause.getMessage(), cause);
      // Whichever of this and the answers' reader completes the future owns the task: started
      // and given up on, it is killed, once.
      if (!started.completeExceptionally(failure) && !started.isCompletedExceptionally()) abandon(id);
      throw sent && !(failure instanceof Refused) ? new Unsettled(failure.getMessage(), failure) : failure;
    }
  }

  private void send(List<String> fields) throws IOException {
    byte[] payload = String.join("\0", fields).getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 12);
    frame.writeBytes((payload.length + "\n").getBytes(StandardCharsets.US_ASCII));
    frame.writeBytes(payload);
    synchronized (requests) {
      requests.write(frame.toByteArray());
      requests.flush();
    }
  }

  private void readAnswers(BufferedReader answers) {
    try {
      String line;
      while ((line = answers.readLine()) != null) {
        if (!ready.isDone()) {
          ready.complete(line);
          continue;
        }
        String[] a = line.split(" ", 3);
        if (a.length < 3) {
          log.warn("task spawner: unexpected answer {}", line);
          continue;
        }
        long id = Long.parseLong(a[1]);
        switch (a[0]) {
          case "started" -> {
            Task t = tasks.get(id);
            if (t == null || !t.started().complete(Long.parseLong(a[2]))) abandon(id); // its spawn gave up waiting
          }
          case "failed" -> {
            Task t = tasks.remove(id);
            if (t != null) t.started().completeExceptionally(new Refused(a[2]));
          }
          case "exit" -> {
            Task t = tasks.remove(id);
            if (t != null) t.exit().complete(exitCode(Integer.parseInt(a[2])));
          }
          case "lost" -> {
            Task t = tasks.remove(id);
            if (t != null) t.exit().completeExceptionally(new IOException("how the task ended is unknown: " + a[2]));
          }
          default -> log.warn("task spawner: unexpected answer {}", line);
        }
      }
    } catch (IOException | RuntimeException e) {
      log.warn("task spawner: its answers could not be read: {}", e.toString());
    } finally {
      ready.complete(null);
      discard();
    }
  }

  /** A task started for a spawn that gave up on it: the helper kills it and its group, and lets go of its pipe. */
  private void abandon(long id) {
    try {
      send(List.of("kill", Long.toString(id)));
    } catch (IOException e) {
      // the helper is gone
    }
  }

  /** A wait status as Java's Process gives it: the exit code, or 128 plus the signal that ended the process. */
  static int exitCode(int status) {
    int signal = status & 0x7f;
    return signal == 0 ? (status >> 8) & 0xff : 128 + signal;
  }

  private void logErrors(InputStream errors) {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(errors, StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) log.warn("task spawner: {}", line);
    } catch (IOException e) {
      // it stopped
    }
  }

  /**
   * Gives up the helper (it died, or is closed): whatever waits on it fails, but for the ends of
   * running tasks when it is closed. The tasks it started may still run; how they end cannot be known.
   */
  void discard() {
    if (!stopped.compareAndSet(false, true)) return;
    IOException gone = new IOException("the node's task spawner stopped, so how the task ended is unknown");
    for (Task t : tasks.values()) {
      t.started().completeExceptionally(gone);
      if (!closing) t.exit().completeExceptionally(gone);
    }
    tasks.clear();
    helper.destroyForcibly();
  }

  @Override
  public void close() {
    closing = true;
    try {
      requests.close(); // the helper exits at the end of its input
    } catch (IOException e) {
      // already gone
    }
    discard();
  }

  /** Tells the helper that the node reads {@code id}'s output pipe, so it may let go of it. */
  private void opened(long id) {
    try {
      send(List.of("opened", Long.toString(id)));
    } catch (IOException e) {
      // the helper is gone, and its hold with it
    }
  }

  private static final class Spawned implements TaskProcess {
    private final long pid;
    private final long startTicks;
    private final InputStream output;
    private final CompletableFuture<Integer> exit;

    Spawned(long pid, long startTicks, InputStream output, CompletableFuture<Integer> exit) {
      this.pid = pid;
      this.startTicks = startTicks;
      this.output = output;
      this.exit = exit;
    }

    @Override
    public long pid() {
      return pid;
    }

    @Override
    public InputStream output() {
      return output;
    }

    @Override
    public int waitFor() throws InterruptedException, IOException {
      try {
        return exit.get();
      } catch (ExecutionException e) {
        throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
      }
    }

    @Override
    public void destroyForcibly() {
      // Not our child, so its pid may be another process's once it has ended and been reaped:
      // only while it has not, and its start time is still this process's.
      if (exit.isDone() || startTicks < 0 || ProcessGroup.startTicks(pid) != startTicks) return;
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
  }
}
