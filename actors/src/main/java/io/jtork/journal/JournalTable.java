package io.jtork.journal;

import org.apache.pekko.persistence.jdbc.config.EventJournalTableConfiguration;

/** The journal table and its columns as the plugin's configuration names them, quoted for SQL. */
final class JournalTable {
  private JournalTable() {}

  static String quote(String identifier) {
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }

  /** The table's name, with its schema when one is configured. */
  static String name(EventJournalTableConfiguration table) {
    return table.schemaName().isDefined()
        ? quote(table.schemaName().get()) + "." + quote(table.tableName()) : quote(table.tableName());
  }
}
