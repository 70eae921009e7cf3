package io.jtork.journal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.jtork.node.JtorkNode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.persistence.jdbc.db.SlickDatabase;
import org.apache.pekko.persistence.jdbc.db.SlickExtension;
import org.apache.pekko.persistence.jdbc.db.SlickExtensionImpl;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.stream.Materializer;
import scala.concurrent.ExecutionContext;

/**
 * A standalone node on H2, or on a new PostgreSQL database, and what a journal DAO is built from,
 * to build the node's and the library's side by side.
 */
final class JournalTestNode implements AutoCloseable {
  /** The PostgreSQL server the tests use, as the http module's tests find it. */
  static final String POSTGRES = System.getenv().getOrDefault("JTORK_TEST_POSTGRES", "jdbc:postgresql://127.0.0.1:5432/");
  static final String POSTGRES_USER = System.getenv().getOrDefault("JTORK_TEST_POSTGRES_USER", "postgres");

  final JtorkNode node;
  private final ActorSystem classic;
  /** The node's PostgreSQL database, dropped on close; null on H2. */
  private final String database;

  JournalTestNode(Path dir) throws Exception {
    this(dir, null);
  }

  private JournalTestNode(Path dir, String database) throws Exception {
    // no passivation while a test reads the journal: it would add sharding's events to ranges being compared
    String settings = "jtork.data-dir = \"" + dir + "\"\njtork.runtime.type = shell\njtork.job.passivate-after = 1h\n";
    if (database != null) {
      settings += "jtork.datastore.type = postgres\njtork.datastore.postgres.url = \"" + POSTGRES + database
          + "\"\njtork.datastore.postgres.user = \"" + POSTGRES_USER + "\"\njtork.datastore.postgres.password = \"\"\n";
    }
    this.database = database;
    node = JtorkNode.start(ConfigFactory.parseString(settings).withFallback(ConfigFactory.load()));
    classic = Adapter.toClassic(node.system());
  }

  /** A node on a new database of the PostgreSQL server the tests use; the database is dropped when it closes. */
  static JournalTestNode postgres(Path dir) throws Exception {
    String database = "jtork_journal_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    admin("CREATE DATABASE " + database);
    try {
      return new JournalTestNode(dir, database);
    } catch (Exception | Error e) {
      admin("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
      throw e;
    }
  }

  private static void admin(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(POSTGRES + "postgres", POSTGRES_USER, "");
        Statement st = c.createStatement()) {
      st.execute(sql);
    }
  }

  /** The node's configuration of the journal plugin at {@code path} ({@code jdbc-journal}, {@code jdbc-read-journal}). */
  Config plugin(String path) {
    return node.system().settings().config().getConfig(path);
  }

  /** The database the plugin at {@code path} uses (the node's shared one). */
  SlickDatabase db(String path) {
    return ((SlickExtensionImpl) SlickExtension.get(classic)).database(plugin(path));
  }

  Serialization serialization() {
    return SerializationExtension.get(classic);
  }

  ExecutionContext ec() {
    return classic.dispatcher();
  }

  Materializer mat() {
    return Materializer.matFromSystem(classic);
  }

  @Override
  public void close() throws SQLException {
    try {
      node.close();
    } finally {
      if (database != null) admin("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    }
  }
}
