package io.jtork.runtime.shell;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The processes of one process group, read from {@code /proc}. Java can signal a process but
 * not a group; scanning {@code /proc} and killing each member costs far less than starting a
 * {@code kill} process after every task.
 *
 * <p>Reading a {@code /proc/<pid>/stat} costs the kernel real work, and a machine runs a few
 * hundred processes, so right after a short step only the pids handed out since its leader
 * started are read: members are forked after their leader, and the kernel hands pids out in
 * increasing order (wrapping at {@code pid_max}) up to {@code /proc/sys/kernel/ns_last_pid}.
 * That holds only while the counter cannot have come all the way round since the leader
 * started, so after a longer step every process is read.
 */
final class ProcessGroup {
  private static final Path PROC = Path.of("/proc");
  private static final Path LAST_PID = PROC.resolve("sys/kernel/ns_last_pid");

  private ProcessGroup() {}

  /**
   * The pids whose process group is {@code pgid}.
   *
   * @param recent the leader started so recently (about a second ago at most) that the pid
   *     counter cannot have wrapped past it: only newer pids are read
   */
  static List<Long> members(long pgid, boolean recent) {
    long last = recent ? lastPid() : -1;
    List<Long> out = new ArrayList<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC)) {
      for (Path d : dirs) {
        long pid = parsePid(d.getFileName().toString());
        if (pid < 0 || (last >= 0 && !handedOutSince(pid, pgid, last))) continue;
        String[] stat = stat(pid);
        // after the command: state ppid pgrp ...
        if (stat != null && stat.length > 2 && Long.parseLong(stat[2]) == pgid) out.add(pid);
      }
    } catch (IOException | RuntimeException e) {
      return out;
    }
    return out;
  }

  /** Whether {@code pid} lies in the cyclic range from {@code leader} to {@code last}, both included. */
  static boolean handedOutSince(long pid, long leader, long last) {
    return last >= leader ? pid >= leader && pid <= last : pid >= leader || pid <= last;
  }

  /** SIGKILLs every member of the group until none is left (a member may fork while we kill). */
  static int kill(long pgid, boolean recent) {
    int killed = 0;
    for (int round = 0; round < 10; round++) {
      List<Long> pids = members(pgid, recent);
      if (pids.isEmpty()) break;
      for (long pid : pids) {
        if (ProcessHandle.of(pid).map(ProcessHandle::destroyForcibly).orElse(false)) killed++;
      }
    }
    return killed;
  }

  /**
   * When the process started, in clock ticks since boot ({@code starttime} in its stat), or -1
   * if it is gone. With its pid it names a process for good: a pid can be reused, not both.
   * {@code ProcessHandle.info()} gives the same instant but also reads the command line and
   * looks the user up in {@code /etc/passwd}, which costs more than the step it is for.
   */
  static long startTicks(long pid) {
    String[] stat = stat(pid);
    return stat == null || stat.length <= 19 ? -1 : Long.parseLong(stat[19]);
  }

  /** The fields of {@code /proc/<pid>/stat} after the command, from {@code state} on; null if it is gone. */
  static String[] stat(long pid) {
    try {
      String stat = new String(Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("stat")),
          StandardCharsets.ISO_8859_1);
      // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so split after the last ')'.
      return stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    } catch (IOException | RuntimeException e) {
      return null; // the process ended while we looked
    }
  }

  private static long lastPid() {
    try {
      return Long.parseLong(Files.readString(LAST_PID).trim());
    } catch (IOException | RuntimeException e) {
      return -1; // not readable here: read every process
    }
  }

  private static long parsePid(String name) {
    if (name.isEmpty() || name.length() > 10) return -1;
    long v = 0;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c < '0' || c > '9') return -1;
      v = v * 10 + (c - '0');
    }
    return v;
  }
}
