package io.jtork.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import org.flywaydb.core.api.FlywayException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A schema that cannot be prepared fails with one line that says why, on a real H2 database. */
class MigrationsTest {

  @Test
  void aChangedMigrationFailsWithFlywaysWholeReasonOnOneLine(@TempDir Path dir) throws Exception {
    DatabaseSettings db = new DatabaseSettings(DatabaseSettings.Kind.H2, DatabaseSettings.h2Url(dir), "sa", "", 2);
    assertThat(Migrations.migrate(db).migrationsExecuted).isPositive();
    try (Connection c = DriverManager.getConnection(db.url(), "sa", ""); Statement st = c.createStatement()) {
      assertThat(st.executeUpdate("UPDATE \"flyway_schema_history\" SET \"checksum\" = 42 WHERE \"version\" = '1'")).isEqualTo(1);
    }
    assertThatThrownBy(() -> Migrations.migrate(db)).isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("could not prepare the database at jdbc:h2:file:" + dir.resolve("jtork") + " as user \"sa\": ")
        .hasMessageContaining("Migration checksum mismatch for migration version 1")
        .hasMessageContaining("run repair")
        .hasMessageNotContaining("\n")
        .hasMessageNotContaining("Need more flexibility")
        .hasMessageNotContaining("DATABASE_TO_UPPER");
  }

  /** V12: H2 reserves identity values 1000 at a time (each reservation is a commit of its own). */
  @Test
  void theJournalsAndTheLogsOrderingReserveAThousandValuesAtATime(@TempDir Path dir) throws Exception {
    DatabaseSettings db = new DatabaseSettings(DatabaseSettings.Kind.H2, DatabaseSettings.h2Url(dir), "sa", "", 2);
    Migrations.migrate(db);
    try (Connection c = DriverManager.getConnection(db.url(), "sa", ""); Statement st = c.createStatement();
        var rs = st.executeQuery("SELECT TABLE_NAME, IDENTITY_CACHE FROM INFORMATION_SCHEMA.COLUMNS"
            + " WHERE IS_IDENTITY = 'YES' AND TABLE_NAME IN ('event_journal', 'task_log_parts') ORDER BY TABLE_NAME")) {
      var caches = new java.util.ArrayList<String>();
      while (rs.next()) caches.add(rs.getString(1) + "=" + rs.getLong(2));
      assertThat(caches).containsExactly("event_journal=1000", "task_log_parts=1000");
    }
  }

  @Test
  void aPasswordTheDriverQuotesIsRedacted() {
    DatabaseSettings db = new DatabaseSettings(DatabaseSettings.Kind.POSTGRES, "jdbc:postgresql://ops:hunter2@127.0.0.1:1/jtork",
        "ops", "", 2);
    var e = new FlywayException("Unable to obtain connection", new java.net.UnknownHostException("ops:hunter2@127.0.0.1"));
    assertThat(Migrations.reason(e, db)).isEqualTo("ops:[REDACTED]@127.0.0.1");
  }
}
