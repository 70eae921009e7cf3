package io.jtork.runtime.shell;

import io.jtork.runtime.StepFailure;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.ObjIntConsumer;

/**
 * Who a shell task runs as ({@code jtork.runtime.shell.uid}, {@code gid}, {@code uid-range}).
 * <ul>
 *   <li>{@code uid = auto} on a node running as root: each running task gets a user of its own
 *       from {@code uid-range} (its group the same number), so a task cannot read the node's
 *       files or another task's directory, and when it ends every process of its user is
 *       killed before the number is used again;</li>
 *   <li>{@code uid = auto} on a node not running as root: tasks run as the node's own user (it
 *       cannot switch), and the node says so at start;</li>
 *   <li>a user name or number: every task runs as that user (and {@code gid}, or the user's
 *       primary group); tasks share it, so they can read each other's directories.</li>
 * </ul>
 * The switch itself is {@code setpriv} (util-linux): real and effective ids, no supplementary
 * groups, and {@code no_new_privs}, so a set-uid program cannot take the task back to root.
 */
public final class TaskUsers {
  /** A task's user and group. */
  public record User(int uid, int gid) {}

  private final User fixed;
  private final int first;
  private final int last;
  private final BitSet leased = new BitSet();
  /** The leased uids whose tasks have ended and that are about to be given back ({@link #ending}). */
  private final Set<Integer> ending = new HashSet<>();
  /** The lock held on each leased uid's file, by uid. */
  private final Map<Integer, FileChannel> locks = new HashMap<>();
  private final String described;
  /** Where the uids' lock files are (only when each task has a user of its own). */
  private final Path lockDir;
  /** Where the next search for a free uid starts: spread, so that nodes on one host seldom try the same ones. */
  private int cursor;

  private TaskUsers(User fixed, int first, int last, String described, Path lockDir) {
    this.fixed = fixed;
    this.first = first;
    this.last = last;
    this.described = described;
    this.lockDir = lockDir;
    this.cursor = last >= first ? ThreadLocalRandom.current().nextInt(last - first + 1) : 0;
  }

  /**
   * The folder of the uids' lock files, shared by every node on the host: the users of a range
   * are the host's, not one node's, and two nodes (a cluster's workers on one machine) must never
   * run tasks as the same uid at once, since a task's end kills every process of its user. An
   * operating-system lock on a uid's file is the lease: it goes with the node's process, however
   * that ends. Root's own {@code /run} when there is one, else the temporary folder, in a folder
   * of root's alone.
   */
  static Path defaultLockDir() {
    Path run = Path.of("/run");
    Path base = Files.isDirectory(run) && Files.isWritable(run) ? run : Path.of(System.getProperty("java.io.tmpdir"));
    return base.resolve("jtork-task-users");
  }

  private static Path prepareLockDir(Path dir) {
    try {
      if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
            PosixFilePermissions.fromString("rwx------")));
      }
      int owner = (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
      if (Files.isSymbolicLink(dir) || owner != 0) {
        throw new IllegalStateException("the task users' lock folder " + dir + " is not root's own folder");
      }
      return dir;
    } catch (IOException e) {
      throw new IllegalStateException("the task users' lock folder " + dir + " cannot be made: " + e.getMessage(), e);
    }
  }

  /** Tasks run as the node's own user (no switch). */
  public static TaskUsers nodeUser() {
    return new TaskUsers(null, 0, -1, "the node's own user", null);
  }

  /**
   * From the configuration. {@code uid}: {@code auto}, a user name or a number; {@code gid}:
   * {@code auto}, a group name or a number; {@code range}: {@code first-last}. Throws
   * {@link IllegalArgumentException} naming the setting when one cannot be used.
   */
  public static TaskUsers of(String uid, String gid, String range, int nodeUid) {
    String u = uid == null ? "auto" : uid.trim();
    String g = gid == null ? "auto" : gid.trim();
    if (u.isEmpty() || u.equals("auto")) {
      if (nodeUid != 0) return nodeUser();
      int[] r = parseRange(range);
      return new TaskUsers(null, r[0], r[1], "a user of its own from jtork.runtime.shell.uid-range (" + r[0] + "-" + r[1] + ")",
          prepareLockDir(defaultLockDir()));
    }
    int id = resolve(u, "-u", "jtork.runtime.shell.uid");
    int group = g.isEmpty() || g.equals("auto") ? primaryGroup(u, id) : resolve(g, "-g", "jtork.runtime.shell.gid");
    // The node's own user (root too, when asked for): nothing to switch.
    if (id == nodeUid) return nodeUser();
    if (nodeUid != 0) {
      throw new IllegalArgumentException("jtork.runtime.shell.uid = \"" + u + "\": running tasks as another user needs the"
          + " node to run as root (it runs as uid " + nodeUid + "); leave it auto to run tasks as the node's own user");
    }
    return new TaskUsers(new User(id, group), 0, -1, "uid " + id + ", gid " + group, null);
  }

  /** The uid this JVM runs as (from {@code /proc/self}). */
  public static int currentUid() {
    try {
      return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** Whether tasks run as someone other than the node's own user. */
  public boolean switches() {
    return fixed != null || last >= first;
  }

  /** Whether each running task has a user of its own. */
  public boolean perTask() {
    return fixed == null && last >= first;
  }

  /** How many tasks can run at once ({@link Integer#MAX_VALUE} unless each has its own user). */
  public int capacity() {
    return perTask() ? last - first + 1 : Integer.MAX_VALUE;
  }

  /** Who tasks run as, for the node's log. */
  public String describe() {
    return described;
  }

  /**
   * A user for one task: its own when {@link #perTask()}, else the fixed one (null: the node's
   * own). Its own is a uid of the range that no task of this node, nor of another node on the
   * host, runs as now (its lock file is locked). When every uid is taken but one whose task has
   * ended and is being cleaned up ({@link #ending}), waits for that one.
   */
  public User lease() throws StepFailure {
    if (!perTask()) return fixed;
    synchronized (leased) {
      int size = last - first + 1;
      while (true) {
        for (int k = 0; k < size; k++) {
          int i = (cursor + k) % size;
          if (leased.get(i) || !lock(first + i)) continue;
          leased.set(i);
          cursor = (i + 1) % size;
          return new User(first + i, first + i);
        }
        // A task that has ended gives its user back once its files are removed (ShellStep's
        // finally, so surely): the worker may already start the next task.
        if (ending.isEmpty()) break;
        try {
          leased.wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      throw new StepFailure("no free task user: all " + capacity() + " uids of jtork.runtime.shell.uid-range ("
          + first + "-" + last + ") run a task");
    }
  }

  /**
   * {@code user}'s task has ended: once its files are removed it is given back ({@link #release})
   * or withheld ({@link #withhold}), and a lease that finds no free user waits for that.
   */
  public void ending(User user) {
    if (user == null || !perTask()) return;
    synchronized (leased) {
      ending.add(user.uid());
    }
  }

  /** Gives back a user {@link #lease()} handed out, once no process of it is left. */
  public void release(User user) {
    if (user == null || !perTask()) return;
    synchronized (leased) {
      unlock(user.uid());
      leased.clear(user.uid() - first);
      ending.remove(user.uid());
      leased.notifyAll();
    }
  }

  /**
   * Keeps {@code user} from every other task while this node runs: something of its task may
   * still run ({@link #killAll} could not make sure of the contrary). The node's next start kills
   * what it left ({@link #killLeftovers}).
   */
  public void withhold(User user) {
    if (user == null || !perTask()) return;
    synchronized (leased) {
      ending.remove(user.uid());
      leased.notifyAll();
    }
  }

  /** Takes the host-wide lock of {@code uid}; false when another holds it. */
  private boolean lock(int uid) {
    FileChannel ch = null;
    try {
      ch = FileChannel.open(lockDir.resolve(String.valueOf(uid)),
          StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      if (ch.tryLock() == null) {
        ch.close();
        return false;
      }
      locks.put(uid, ch);
      return true;
    } catch (IOException | OverlappingFileLockException e) {
      // held by another runtime in this JVM, or the file cannot be opened: not free
      try {
        if (ch != null) ch.close();
      } catch (IOException ignored) {
        // closing is all that is left
      }
      return false;
    }
  }

  private void unlock(int uid) {
    FileChannel ch = locks.remove(uid);
    try {
      if (ch != null) ch.close(); // releases the lock
    } catch (IOException ignored) {
      // the lock goes with the channel either way
    }
  }

  /**
   * Kills every process {@code user} (a task's own user) still runs, if any: {@code kill -KILL -1}
   * run as that user, which the kernel applies to all of its processes at once, so a task that
   * forks in a loop cannot outrun it as it could a list of pids. True when it runs nothing now;
   * false when one of them outlived the kill (it stopped the kill, or the kill could not reach it).
   */
  boolean killAll(User user) {
    if (user == null || !runs(user)) return true;
    List<String> cmd = new ArrayList<>(switchTo(user));
    cmd.addAll(List.of("kill", "-KILL", "-1"));
    // kill's exit code does not say whether it reached them (procps's is 1 after kill -1); it
    // does not end when one of them stopped it. What counts is that none runs afterwards.
    output(cmd.toArray(String[]::new));
    for (int i = 0; i < 20; i++) {
      if (!runs(user)) return true;
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10)); // SIGKILL takes effect when the process is next scheduled
    }
    return false;
  }

  /** Whether {@code user} runs a process that has not ended (a zombie waits to be reaped, and runs nothing). */
  private static boolean runs(User user) {
    List<Long> pids = new ArrayList<>();
    processes((pid, uid) -> {
      if (uid == user.uid()) pids.add(pid);
    });
    for (long pid : pids) {
      String[] stat = ProcessGroup.stat(pid); // null: ended and reaped meanwhile
      if (stat != null && !stat[0].equals("Z")) return true;
    }
    return false;
  }

  /** Kills what users of the range still run (left by an earlier life of the node); how many users had some. */
  int killLeftovers() {
    int n = 0;
    for (int uid : new TreeSet<>(uidsRunning())) {
      if (uid < first || uid > last) continue;
      synchronized (leased) {
        // a uid another live node holds runs that node's task: not a leftover
        if (leased.get(uid - first) || !lock(uid)) continue;
        try {
          killAll(new User(uid, uid));
          n++;
        } finally {
          unlock(uid);
        }
      }
    }
    return n;
  }

  /** The uids of the processes running now (read from {@code /proc}, whose entries belong to their process's uid). */
  private static List<Integer> uidsRunning() {
    List<Integer> out = new ArrayList<>();
    processes((pid, uid) -> out.add(uid));
    return out;
  }

  /** Each process now, with its uid: {@code /proc}'s entries belong to their process's (effective) uid. */
  private static void processes(ObjIntConsumer<Long> each) {
    try (var dirs = Files.newDirectoryStream(Path.of("/proc"))) {
      for (Path d : dirs) {
        String name = d.getFileName().toString();
        if (name.isEmpty() || !Character.isDigit(name.charAt(0))) continue;
        try {
          each.accept(Long.parseLong(name), (Integer) Files.getAttribute(d, "unix:uid", LinkOption.NOFOLLOW_LINKS));
        } catch (IOException | RuntimeException e) {
          // the process has exited
        }
      }
    } catch (IOException e) {
      // no /proc: nothing known to kill
    }
  }

  /** The command that runs the rest of the argv as {@code user} (none for the node's own). */
  static List<String> switchTo(User user) {
    if (user == null) return List.of();
    return List.of("setpriv", "--reuid=" + user.uid(), "--regid=" + user.gid(), "--clear-groups",
        "--no-new-privs", "--");
  }

  private static int[] parseRange(String range) {
    String r = range == null ? "" : range.trim();
    String[] parts = r.split("-");
    try {
      if (parts.length == 2) {
        int a = Integer.parseInt(parts[0].trim());
        int b = Integer.parseInt(parts[1].trim());
        if (a >= 1000 && b >= a) return new int[] {a, b};
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("jtork.runtime.shell.uid-range = \"" + r + "\": must be first-last, two uids of"
        + " at least 1000 that no account uses, such as 200000-200999");
  }

  private static int primaryGroup(String user, int uid) {
    if (user.chars().allMatch(Character::isDigit)) {
      // A bare number need not have an account: its group is the same number then.
      Integer g = id("-g", user);
      return g == null ? uid : g;
    }
    Integer g = id("-g", user);
    if (g == null) throw new IllegalArgumentException("jtork.runtime.shell.uid = \"" + user + "\": no such user");
    return g;
  }

  private static int resolve(String nameOrNumber, String flag, String setting) {
    if (!nameOrNumber.isEmpty() && nameOrNumber.chars().allMatch(Character::isDigit)) {
      try {
        return Integer.parseInt(nameOrNumber);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(setting + " = \"" + nameOrNumber + "\": not a valid id");
      }
    }
    Integer id = flag.equals("-u") ? id("-u", nameOrNumber) : group(nameOrNumber);
    if (id == null) {
      throw new IllegalArgumentException(setting + " = \"" + nameOrNumber + "\": no such " + (flag.equals("-u") ? "user" : "group"));
    }
    return id;
  }

  /** {@code id <flag> <user>}: the system's own lookup (NSS: files, LDAP...), rather than parsing /etc/passwd by hand. */
  private static Integer id(String flag, String user) {
    return run("id", flag, "--", user);
  }

  /** A group's number, through {@code getent group} (NSS), as {@code id} has no lookup by group name. */
  private static Integer group(String name) {
    String line = output("getent", "group", "--", name);
    String[] f = line == null ? new String[0] : line.split(":");
    if (f.length < 3) return null;
    try {
      return Integer.parseInt(f[2].trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static Integer run(String... cmd) {
    String out = output(cmd);
    if (out == null) return null;
    try {
      return Integer.parseInt(out.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /**
   * Runs {@code cmd}: what it printed, or null when it failed or did not end within 10 s (it is
   * killed then). Its output goes to a file, not a pipe read until its end: a command stopped
   * by a task it was to kill keeps that pipe open, and would hang the read.
   */
  private static String output(String... cmd) {
    Path out = null;
    try {
      out = Files.createTempFile("jtork-command-", ".out");
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return null;
      }
      return p.exitValue() == 0 ? Files.readString(out, StandardCharsets.UTF_8) : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } finally {
      if (out != null) out.toFile().delete();
    }
  }
}
