package io.jtork.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jtork.store.Database;
import io.jtork.store.DatabaseSettings;
import io.jtork.store.EmptyDatabase;
import io.jtork.store.Migrations;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Usernames unique without regard to case, on a real H2 and a real PostgreSQL: migration V10 keeps
 * the oldest of the users an older version let differ only in case and renames the others, and
 * afterwards both the store and the database itself refuse {@code ADMIN} beside {@code admin}.
 */
class UsernameUniquenessTest {
  @TempDir static Path dir;

  static Stream<String> databases() {
    return EmptyDatabase.kinds();
  }

  private static void insertUser(Connection c, String id, String username, Instant at) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO users (id, username, name, password_hash, admin,"
        + " disabled, created_at) VALUES (?,?,?,?,?,?,?)")) {
      ps.setString(1, id);
      ps.setString(2, username);
      ps.setString(3, username);
      ps.setString(4, "pbkdf2-sha256$1$AAAA$AAAA");
      ps.setBoolean(5, false);
      ps.setBoolean(6, false);
      ps.setObject(7, at.atOffset(ZoneOffset.UTC));
      ps.executeUpdate();
    }
  }

  @ParameterizedTest
  @MethodSource("databases")
  void theMigrationKeepsTheOldestOfUsersThatDifferOnlyInCaseAndRenamesTheOthers(String kind) throws Exception {
    try (EmptyDatabase empty = EmptyDatabase.create(kind, dir)) {
      DatabaseSettings s = empty.settings();
      Flyway.configure().dataSource(s.url(), s.user(), s.password()).locations(s.migrationLocation()).target("9")
          .load().migrate();
      Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
      try (Connection c = DriverManager.getConnection(s.url(), s.user(), s.password())) {
        insertUser(c, "u2", "ADMIN", t0.plusSeconds(60));
        insertUser(c, "u1", "admin", t0);
        insertUser(c, "u3", "Admin", t0.plusSeconds(120));
        insertUser(c, "u4", "bob", t0);
      }
      Migrations.migrate(s);
      List<String> names = new ArrayList<>();
      try (Connection c = DriverManager.getConnection(s.url(), s.user(), s.password());
          Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT username FROM users ORDER BY id")) {
        while (rs.next()) names.add(rs.getString(1));
      }
      assertThat(names).containsExactly("admin", "ADMIN.duplicate.u2", "Admin.duplicate.u3", "bob");
    }
  }

  @ParameterizedTest
  @MethodSource("databases")
  void aUsernameThatDiffersOnlyInCaseIsRefusedByTheStoreAndByTheDatabase(String kind) throws Exception {
    try (EmptyDatabase empty = EmptyDatabase.create(kind, dir)) {
      DatabaseSettings s = empty.settings();
      Migrations.migrate(s);
      try (Database db = Database.open(s, "users-test")) {
        UserStore users = new UserStore(db);
        users.createUser(" Alice.Smith@example.com ", null, "a-long-password", false);
        assertThat(users.find("Alice.Smith@example.com")).isPresent();
        assertThatThrownBy(() -> users.createUser("alice.smith@EXAMPLE.com", null, "a-long-password", false))
            .isInstanceOf(UserStore.Refused.class)
            .hasMessage("username: \"alice.smith@EXAMPLE.com\" is taken by the user \"Alice.Smith@example.com\""
                + " (usernames are unique without regard to case)");
        try (Connection c = db.connection()) {
          assertThatThrownBy(() -> insertUser(c, "x1", "ALICE.SMITH@example.com", Instant.now()))
              .isInstanceOf(SQLException.class);
        }
        assertThat(users.count()).isEqualTo(1);
      }
    }
  }
}
