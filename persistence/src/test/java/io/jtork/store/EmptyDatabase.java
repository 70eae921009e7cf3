package io.jtork.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A new, empty database for one test: an H2 file under the test's folder, or a PostgreSQL
 * database on the test server (trust auth; {@code JTORK_TEST_POSTGRES}, {@code _USER}) that
 * {@link #close} drops. Tests that run on both take {@link #kinds} as their parameters.
 */
public final class EmptyDatabase implements AutoCloseable {
  static final String POSTGRES = System.getenv().getOrDefault("JTORK_TEST_POSTGRES",
      "jdbc:postgresql://127.0.0.1:5432/");
  static final String POSTGRES_USER = System.getenv().getOrDefault("JTORK_TEST_POSTGRES_USER", "postgres");

  private final DatabaseSettings settings;
  private final String pgName;

  private EmptyDatabase(DatabaseSettings settings, String pgName) {
    this.settings = settings;
    this.pgName = pgName;
  }

  /** The kinds a test runs on: {@code h2} and {@code postgres}. */
  public static Stream<String> kinds() {
    return Stream.of("h2", "postgres");
  }

  /** A new database of {@code kind}; an H2 one in a new folder under {@code dir}. */
  public static EmptyDatabase create(String kind, Path dir) throws SQLException {
    if (kind.equals("h2")) {
      return new EmptyDatabase(new DatabaseSettings(DatabaseSettings.Kind.H2,
          DatabaseSettings.h2Url(dir.resolve(UUID.randomUUID().toString())), "sa", "", 4), null);
    }
    String name = "jtork_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    admin("CREATE DATABASE " + name);
    return new EmptyDatabase(new DatabaseSettings(DatabaseSettings.Kind.POSTGRES, POSTGRES + name, POSTGRES_USER, "",
        4), name);
  }

  public DatabaseSettings settings() {
    return settings;
  }

  @Override
  public void close() throws SQLException {
    if (pgName != null) admin("DROP DATABASE IF EXISTS " + pgName + " WITH (FORCE)");
  }

  private static void admin(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(POSTGRES + "postgres", POSTGRES_USER, "");
        Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }
}
