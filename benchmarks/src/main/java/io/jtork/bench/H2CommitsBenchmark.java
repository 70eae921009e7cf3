package io.jtork.bench;

import io.jtork.store.DatabaseSettings;
import io.jtork.store.H2Maintenance;
import io.jtork.store.Migrations;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What a commit costs H2 as a node runs it ({@link DatabaseSettings#h2Url}: every commit written
 * to the file before it returns), by how many rows it carries. On a fresh database with the
 * node's schema, one thread inserts {@code --rows} rows into the journal ({@code event_journal},
 * a new persistence id each, {@code --payload} bytes of event), committing every {@code g} rows
 * for each g of {@code --rows-per-commit}, after a warm-up of the same. Reports per row: this
 * thread's CPU, the writes to the file and the bytes written (H2's {@code INFORMATION_SCHEMA}).
 * A node's commits carry a job's few rows each unless writers share them: this says what sharing
 * them would save.
 */
@Command(name = "h2-commits", mixinStandardHelpOptions = true)
public final class H2CommitsBenchmark implements Callable<Integer> {
  @Option(names = "--rows", defaultValue = "5000", description = "Rows inserted for each rows-per-commit.")
  int rows;

  @Option(names = "--payload", defaultValue = "400", description = "Bytes of event payload per row.")
  int payload;

  @Option(names = "--rows-per-commit", defaultValue = "1,2,4,8,16,32", split = ",")
  List<Integer> groups;

  public static void main(String[] args) {
    System.exit(new CommandLine(new H2CommitsBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Path dir = Files.createTempDirectory("jtork-h2-commits-");
    try {
      DatabaseSettings db = new DatabaseSettings(DatabaseSettings.Kind.H2, DatabaseSettings.h2Url(dir), "sa", "", 1);
      Migrations.migrate(db);
      try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password())) {
        System.out.printf(Locale.ROOT, "%d rows per measure, %d-byte payloads, after a warm-up of as many%n%n",
            rows, payload);
        System.out.println("| rows per commit | CPU per row (ms) | writes to the file per row | KB written per row |");
        System.out.println("|---|---|---|---|");
        for (int g : groups) {
          insert(c, g);
          double[] m = insert(c, g);
          System.out.printf(Locale.ROOT, "| %d | %.3f | %.2f | %.1f |%n", g, m[0], m[1], m[2]);
        }
      }
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
      }
    }
    return 0;
  }

  /** Inserts {@link #rows} rows, {@code g} per commit; returns CPU ms, writes and KB per row. */
  private double[] insert(Connection c, int g) throws SQLException {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    byte[] event = new byte[payload];
    Arrays.fill(event, (byte) 'x');
    H2Maintenance.FileWrites before = H2Maintenance.fileWrites(c);
    long cpu = threads.getCurrentThreadCpuTime();
    c.setAutoCommit(false);
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO \"event_journal\" (\"persistence_id\","
        + " \"sequence_number\", \"writer\", \"write_timestamp\", \"adapter_manifest\", \"event_payload\","
        + " \"event_ser_id\", \"event_ser_manifest\") VALUES (?, 1, 'bench', ?, '', ?, 1, 'Bench')")) {
      for (int i = 1; i <= rows; i++) {
        ps.setString(1, "Job|" + UUID.randomUUID().toString().replace("-", ""));
        ps.setLong(2, System.currentTimeMillis());
        ps.setBytes(3, event);
        ps.executeUpdate();
        if (i % g == 0 || i == rows) c.commit();
      }
    } finally {
      c.setAutoCommit(true);
    }
    double cpuMs = (threads.getCurrentThreadCpuTime() - cpu) / 1e6;
    H2Maintenance.FileWrites after = H2Maintenance.fileWrites(c);
    return new double[] {cpuMs / rows, (double) (after.writes() - before.writes()) / rows,
        (after.bytes() - before.bytes()) / 1024.0 / rows};
  }
}
