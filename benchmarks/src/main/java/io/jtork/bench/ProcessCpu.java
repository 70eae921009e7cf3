package io.jtork.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A process's CPU and its children's, from {@code /proc}, in clock ticks. */
final class ProcessCpu {
  private ProcessCpu() {}

  /**
   * utime and stime of {@code pid}, then the user and system time of its children: those it
   * waited for (cutime, cstime) and those still running (the task spawner) with the children they
   * waited for (the spawner's tasks).
   */
  static long[] of(long pid) throws IOException {
    long[] out = stat(pid);
    for (ProcessHandle child : (Iterable<ProcessHandle>) ProcessHandle.of(pid).orElseThrow().children()::iterator) {
      long[] c;
      try {
        c = stat(child.pid());
      } catch (IOException | RuntimeException e) {
        continue; // it ended meanwhile; its parent waited for it, or will
      }
      out[2] += c[0] + c[2];
      out[3] += c[1] + c[3];
    }
    return out;
  }

  /** utime, stime, cutime, cstime of {@code pid}. */
  private static long[] stat(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    // "pid (comm) state ...": comm may hold spaces; utime, stime, cutime, cstime are fields 14-17.
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12]), Long.parseLong(f[13]), Long.parseLong(f[14])};
  }
}
