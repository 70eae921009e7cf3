package io.jtork.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The newest rows of an append-only table whose rows are numbered as they are inserted (an
 * {@code ordering} column): the journal ({@code event_journal}) or the task log
 * ({@code task_log_parts}). Only the numbers and the key each row belongs to are read, so
 * following a table costs little however large its rows are.
 */
public final class TableTail {
  /** One row: its place in the table and the entity it belongs to. */
  public record Row(long ordering, String key) {}

  private final Database db;
  private final String afterSql;
  private final String maxSql;
  private final String lastPerKeySql;

  private TableTail(Database db, String table, String ordering, String key) {
    this.db = db;
    this.afterSql = "SELECT " + ordering + ", " + key + " FROM " + table + " WHERE " + ordering
        + " > ? ORDER BY " + ordering + " LIMIT ?";
    this.maxSql = "SELECT MAX(" + ordering + ") FROM " + table;
    this.lastPerKeySql = "SELECT " + key + ", MAX(" + ordering + ") FROM " + table + " WHERE " + ordering + " > ? AND "
        + ordering + " <= ? AND " + key + " LIKE ? ESCAPE '\\' GROUP BY " + key + " ORDER BY 2 LIMIT ?";
  }

  /** The journal: a row's key is its persistence id. */
  public static TableTail journal(Database db) {
    // The journal's migration quotes its names in lower case, as pekko-persistence-jdbc's scripts do.
    return new TableTail(db, "\"event_journal\"", "\"ordering\"", "\"persistence_id\"");
  }

  /** The task log: a row's key is its job's id. */
  public static TableTail taskLog(Database db) {
    return new TableTail(db, "task_log_parts", "ordering", "job_id");
  }

  /** The rows after {@code ordering}, oldest first, at most {@code limit}. */
  public List<Row> after(long ordering, int limit) throws SQLException {
    try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(afterSql)) {
      ps.setLong(1, ordering);
      ps.setInt(2, limit);
      List<Row> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) out.add(new Row(rs.getLong(1), rs.getString(2)));
      }
      return out;
    }
  }

  /**
   * The keys starting with {@code prefix} that have rows after {@code after} up to {@code upTo},
   * each with its last row's place there, in that order; at most {@code limit}.
   */
  public Map<String, Long> lastPerKey(String prefix, long after, long upTo, int limit) throws SQLException {
    try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(lastPerKeySql)) {
      ps.setLong(1, after);
      ps.setLong(2, upTo);
      ps.setString(3, JobReadModel.escapeLike(prefix) + "%");
      ps.setInt(4, limit);
      Map<String, Long> out = new LinkedHashMap<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) out.put(rs.getString(1), rs.getLong(2));
      }
      return out;
    }
  }

  /** The highest {@code ordering} now, 0 for an empty table. */
  public long max() throws SQLException {
    try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(maxSql);
        ResultSet rs = ps.executeQuery()) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }
}
