package io.jtork.multijvm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A PostgreSQL server of its own (initdb into a temporary directory, on a free port), so that a
 * test can really stop and start it without touching the shared server. Needs PostgreSQL's
 * binaries (the same installation as the shared server); as root it runs them as {@code postgres}.
 */
final class PrivatePostgres implements AutoCloseable {
  private final Path bin;
  private final Path home;
  private final Path data;
  final int port;

  private PrivatePostgres(Path bin, Path home, int port) {
    this.bin = bin;
    this.home = home;
    this.data = home.resolve("data");
    this.port = port;
  }

  static PrivatePostgres start() throws Exception {
    Path root = Path.of("/usr/lib/postgresql");
    Path bin;
    try (var versions = Files.list(root)) {
      bin = versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb"))).findFirst()
          .orElseThrow(() -> new IllegalStateException("no initdb under " + root));
    }
    Path home = Files.createTempDirectory("jtork-pg-");
    Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
    if (isRoot()) run(List.of("chown", "postgres:postgres", home.toString()), false);
    PrivatePostgres pg = new PrivatePostgres(bin, home, ForkedNode.freePort());
    pg.run(List.of(bin.resolve("initdb").toString(), "-D", pg.data.toString(), "-A", "trust", "-U", "postgres",
        "--no-sync", "-E", "UTF8"), true);
    pg.up();
    return pg;
  }

  String url() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
  }

  /** Starts the server and waits until it accepts connections. */
  void up() throws Exception {
    run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-w", "-l", home.resolve("log").toString(),
        "-o", "-p " + port + " -k " + home + " -c listen_addresses=127.0.0.1 -c fsync=off", "start"), true);
  }

  /** Stops the server (fast shutdown: clients are disconnected, as in an outage). */
  void down() throws Exception {
    run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-w", "-m", "fast", "stop"), true);
  }

  @Override
  public void close() throws Exception {
    try {
      down();
    } catch (Exception e) {
      // already stopped
    }
    run(List.of("rm", "-rf", home.toString()), false);
  }

  private static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  private static void run(List<String> command, boolean asPostgres) throws Exception {
    List<String> cmd = new ArrayList<>();
    if (asPostgres && isRoot()) cmd.addAll(List.of("runuser", "-u", "postgres", "--"));
    cmd.addAll(command);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(String.join(" ", cmd) + " failed: " + out);
    }
  }
}
