package io.jtork.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/** The JDBC pool for the read model and task logs (the journal has its own, inside Slick). */
public final class Database implements AutoCloseable {
  private final DatabaseSettings settings;
  private final HikariDataSource dataSource;

  private Database(DatabaseSettings settings, HikariDataSource dataSource) {
    this.settings = settings;
    this.dataSource = dataSource;
  }

  public static Database open(DatabaseSettings settings, String poolName) {
    HikariConfig c = new HikariConfig();
    c.setPoolName(poolName);
    c.setJdbcUrl(settings.url());
    c.setUsername(settings.user());
    c.setPassword(settings.password());
    c.setMaximumPoolSize(settings.maxPoolSize());
    c.setMinimumIdle(1);
    c.setAutoCommit(true);
    // Fail fast with a clear error instead of hanging a request when the database is away.
    c.setConnectionTimeout(5_000);
    c.setInitializationFailTimeout(-1);
    return new Database(settings, new HikariDataSource(c));
  }

  public DataSource dataSource() {
    return dataSource;
  }

  public DatabaseSettings settings() {
    return settings;
  }

  public Connection connection() throws SQLException {
    return dataSource.getConnection();
  }

  /** True when a connection can be had and answers a trivial query. */
  public boolean isHealthy() {
    try (Connection c = dataSource.getConnection(); var st = c.createStatement()) {
      st.setQueryTimeout(2);
      st.execute("SELECT 1");
      return true;
    } catch (SQLException e) {
      return false;
    }
  }

  @Override
  public void close() {
    dataSource.close();
  }
}
