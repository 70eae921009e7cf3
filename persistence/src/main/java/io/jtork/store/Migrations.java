package io.jtork.store;

import io.jtork.redact.Redactor;
import java.util.stream.Collectors;
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
      throw new IllegalStateException("could not prepare the database at " + db.displayUrl() + " as user \"" + db.user()
          + "\": " + reason(e, db), e);
    }
  }

  /**
   * The root cause's message on one line: each of its lines (Flyway's validation failures say
   * what to do on the later ones), less Flyway's rules and advertising; any password the settings
   * hold redacted, should the driver quote it (a {@code user:password@} URL reaches DNS whole).
   */
  static String reason(Throwable e, DatabaseSettings db) {
    Throwable root = e;
    while (root.getCause() != null) root = root.getCause();
    String message = root.getMessage() == null ? root.toString() : root.getMessage();
    String oneLine = message.lines().map(String::strip)
        .filter(l -> !l.isEmpty() && !l.matches("-+") && !l.startsWith("Need more flexibility"))
        .collect(Collectors.joining("; "));
    return Redactor.redactValues(oneLine, db.passwords());
  }
}
