package io.jtork.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link H2Maintenance} reaches H2's store through engine classes that are not a documented API, and
 * logs a failure instead of throwing it: this checks, on the H2 jtork ships with, that it still
 * reaches the store, keeps the file small, and loses nothing.
 */
class H2MaintenanceTest {

  @Test
  void reachesTheStoreAndKeepsTheFileSmall(@TempDir Path with, @TempDir Path without) throws Exception {
    long compacted = fileAfterSmallCommits(with, true);
    long left = fileAfterSmallCommits(without, false);
    assertThat(compacted).as("the file compacted (%d bytes) against the file left alone (%d bytes)", compacted, left)
        .isLessThan(left / 2);
  }

  /**
   * The size of an H2 file after 3,000 commits of one new row each, {@code compacting} every 100
   * commits. With WRITE_DELAY=0 each commit is stored as a chunk of its own, and rewrites the last
   * page and the pages above it: every earlier chunk keeps a live page or two among dead ones. The
   * rows are checked to be all there. The test's commits take a second or two, about the node's
   * retention time ({@code RETENTION_TIME}, 1 s), during which H2 reuses no freed space; so the
   * test sets it to 0 in the URL (where every new connection sets it again), for both files alike.
   * What the node's own setting does to the file is measured by {@code bin/benchmark}
   * (docs/benchmarks.md, "kill -9 under load"), not here.
   */
  private static long fileAfterSmallCommits(Path dir, boolean compacting) throws Exception {
    String url = DatabaseSettings.h2Url(dir).replaceFirst("RETENTION_TIME=\\d+", "RETENTION_TIME=0");
    assertThat(url).contains(";RETENTION_TIME=0;");
    DatabaseSettings settings = new DatabaseSettings(DatabaseSettings.Kind.H2, url, "sa", "", 2);
    try (Database db = Database.open(settings, "h2-maintenance-test");
        AutoCloseable maintenance = H2Maintenance.start(db, 3_600_000);
        Connection c = db.connection()) {
      try (Statement st = c.createStatement()) {
        st.execute("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(2000))");
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO t VALUES (?, ?)")) {
        for (int i = 0; i < 3000; i++) {
          ps.setInt(1, i);
          ps.setString(2, "value " + i + " ".repeat(1000));
          ps.executeUpdate();
          if (compacting && i % 100 == 99) {
            // -1 when H2's engine classes no longer lead to the store (the task would only log it)
            assertThat(((H2Maintenance) maintenance).compact()).as("compact() reached the store").isNotNegative();
          }
        }
      }
      try (Statement st = c.createStatement();
          var rs = st.executeQuery("SELECT COUNT(*), MAX(id), MIN(LENGTH(v)) FROM t")) {
        rs.next();
        assertThat(rs.getLong(1)).isEqualTo(3000);
        assertThat(rs.getInt(2)).isEqualTo(2999);
        assertThat(rs.getInt(3)).isGreaterThan(1000);
      }
      MVStore store = ((SessionLocal) c.unwrap(JdbcConnection.class).getSession()).getDatabase().getStore().getMvStore();
      return store.getFileStore().size();
    }
  }
}
