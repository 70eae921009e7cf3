package io.jtork.runtime.docker;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.awaitility.Awaitility;

/**
 * A Docker daemon of a test's own (same sandbox flags as {@code bin/test-docker}), so that the
 * test can kill it with SIGKILL mid-task and start it again, without disturbing the shared one.
 * It needs root and Debian's docker.io, as CI has.
 */
public final class PrivateDockerd implements AutoCloseable {
  private final Path dir;
  private Process process;

  public PrivateDockerd() throws IOException {
    // Short: the daemon's sockets live under it, and unix socket paths are limited to 108 bytes.
    this.dir = Files.createTempDirectory(Path.of("/tmp"), "jd-");
  }

  public String host() {
    return "unix://" + dir.resolve("d.sock");
  }

  /** Starts the daemon (again, on the same directories) and waits until it answers. */
  public PrivateDockerd start() throws IOException {
    process = new ProcessBuilder("dockerd", "--iptables=false", "--ip-masq=false", "--bridge=none",
        "--storage-driver=vfs", "--data-root=" + dir.resolve("data"), "--exec-root=" + dir.resolve("exec"),
        "--pidfile=" + dir.resolve("pid"), "-H", host())
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("dockerd.log").toFile()))
        .start();
    Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
        .until(() -> DockerRuntime.answers(host()));
    return this;
  }

  /** Copies {@code image} from the shared daemon at {@code from}. */
  public void loadImage(String from, String image) throws IOException {
    try (var src = DockerDaemon.client(from); var dst = DockerDaemon.client(host());
        InputStream tar = src.saveImageCmd(image).exec()) {
      dst.loadImageCmd(tar).exec();
    }
  }

  /** SIGKILL, as a crash would: its containerd and running containers are left as they are. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /** Stops the daemon and every process it started (containerd, shims), and removes its files. */
  @Override
  public void close() throws Exception {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(Duration.ofSeconds(30).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) kill();
    }
    String marker = dir.toString();
    try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
      List<ProcessHandle> mine = all.filter(p -> cmdline(p.pid()).contains(marker)).toList();
      mine.forEach(ProcessHandle::destroyForcibly);
    }
    new ProcessBuilder("sh", "-c", "umount -R " + dir + "/exec " + dir + "/data 2>/dev/null; rm -rf " + dir)
        .inheritIO().start().waitFor();
  }

  private static String cmdline(long pid) {
    try {
      return new String(Files.readAllBytes(Path.of("/proc", String.valueOf(pid), "cmdline")), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }
}
