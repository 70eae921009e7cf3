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
 * {@code kill} process after every task. Members are created after their group's leader, so
 * only processes with newer pids are read (allowing for pid wrap-around).
 */
final class ProcessGroup {
  private static final Path PROC = Path.of("/proc");
  private static final long PID_MAX = pidMax();

  private ProcessGroup() {}

  /** The pids whose process group is {@code pgid}. */
  static List<Long> members(long pgid) {
    List<Long> out = new ArrayList<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC)) {
      for (Path d : dirs) {
        long pid = parsePid(d.getFileName().toString());
        if (pid < 0 || !mayBelong(pid, pgid)) continue;
        try {
          String stat = new String(Files.readAllBytes(d.resolve("stat")), StandardCharsets.ISO_8859_1);
          // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so parse after the last ')'.
          int i = stat.lastIndexOf(')') + 2;
          int state = stat.indexOf(' ', i);
          int ppid = stat.indexOf(' ', state + 1);
          int pgrpEnd = stat.indexOf(' ', ppid + 1);
          if (Long.parseLong(stat, ppid + 1, pgrpEnd, 10) == pgid) out.add(pid);
        } catch (IOException | RuntimeException e) {
          // the process ended while we looked
        }
      }
    } catch (IOException e) {
      return out;
    }
    return out;
  }

  /** Pids are handed out in increasing order until they wrap, so a member is the leader or newer. */
  static boolean mayBelong(long pid, long pgid) {
    return pid >= pgid || pgid - pid > PID_MAX / 2;
  }

  /** SIGKILLs every member of the group until none is left (a member may fork while we kill). */
  static int kill(long pgid) {
    int killed = 0;
    for (int round = 0; round < 10; round++) {
      List<Long> pids = members(pgid);
      if (pids.isEmpty()) break;
      for (long pid : pids) {
        if (ProcessHandle.of(pid).map(ProcessHandle::destroyForcibly).orElse(false)) killed++;
      }
    }
    return killed;
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

  private static long pidMax() {
    try {
      return Long.parseLong(Files.readString(PROC.resolve("sys/kernel/pid_max")).trim());
    } catch (IOException | RuntimeException e) {
      return 4_194_304L;
    }
  }
}
