package io.jtork.store;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Applies the versioned schema scripts under {@code db/migration/<h2|postgres>}. Flyway records
 * what has run, so this is safe at every start-up, and it throws on any failure: a node never
 * starts on a half-made schema.
 */
public final class Migrations {
  private Migrations() {}

  /**
   * @throws IllegalStateException naming the database (its URL without parameters, which may
   *     hold a password) and the user, with the database's own reason, when it cannot be reached
   *     or migrated
   */
  public static MigrateResult migrate(DatabaseSettings db) {
    try {
      return Flyway.configure()
          .dataSource(db.url(), db.user(), db.password())
          .locations(db.migrationLocation())
          .cleanDisabled(true)
          .load()
          .migrate();
    } catch (FlywayException e) {
      Throwable root = e;
      while (root.getCause() != null) root = root.getCause();
      String reason = root.getMessage() == null ? root.toString() : root.getMessage().strip().lines().findFirst().orElse("");
      int params = db.url().indexOf('?');
      throw new IllegalStateException("could not prepare the database at " + (params < 0 ? db.url() : db.url().substring(0, params))
          + " as user \"" + db.user() + "\": " + reason, e);
    }
  }
}
