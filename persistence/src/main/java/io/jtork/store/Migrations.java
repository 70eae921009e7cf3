package io.jtork.store;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Applies the versioned schema scripts under {@code db/migration/<h2|postgres>}. Flyway records
 * what has run, so this is safe at every start-up, and it throws on any failure: a node never
 * starts on a half-made schema.
 */
public final class Migrations {
  private Migrations() {}

  public static MigrateResult migrate(DatabaseSettings db) {
    return Flyway.configure()
        .dataSource(db.url(), db.user(), db.password())
        .locations(db.migrationLocation())
        .cleanDisabled(true)
        .load()
        .migrate();
  }
}
