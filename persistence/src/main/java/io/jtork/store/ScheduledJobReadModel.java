package io.jtork.store;

import com.fasterxml.jackson.core.type.TypeReference;
import io.jtork.auth.Principal;
import io.jtork.json.Json;
import io.jtork.model.Page;
import io.jtork.model.ScheduledJobState;
import io.jtork.model.ScheduledJobSummary;
import io.jtork.model.UserRef;
import io.jtork.spec.PermissionSpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * The {@code scheduled_jobs} table: written by the scheduled-jobs projection inside its
 * transaction, read by {@code GET /scheduled-jobs}. Values arrive here already redacted.
 */
public final class ScheduledJobReadModel {
  /** The tables this read model owns, all rebuilt from the journal by a replay. */
  public static final List<String> TABLES = List.of("scheduled_jobs", "scheduled_job_permissions");

  private static final TypeReference<LinkedHashMap<String, String>> STRING_MAP = new TypeReference<>() {};
  private static final TypeReference<List<String>> STRING_LIST = new TypeReference<>() {};
  private final Database db;

  public ScheduledJobReadModel(Database db) {
    this.db = db;
  }

  // Each row carries seq_nr, the newest event of its scheduled job that it shows: the API writes
  // a row as soon as a command is journaled (read your writes), and the projection leaves alone
  // a row that already shows a newer event (see JobReadModel). A scheduled job deleted through the
  // API stays as a DELETED row, which lists skip, until the projection applies its deletion: a
  // row that was gone would let the projection's older events bring it back.

  /** The row of a scheduled job just created, unless it is there already; returns whether it inserted it. */
  public static boolean insert(Connection c, ScheduledJobSummary s, List<PermissionSpec> permissions,
      long seqNr) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM scheduled_jobs WHERE id = ?")) {
      ps.setString(1, s.id());
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) return false;
      }
    }
    if (!JobReadModel.insertUnlessThere(c, "INSERT INTO scheduled_jobs (id, name, description, state, cron,"
        + " created_at, inputs, created_by, tags, seq_nr) VALUES (?,?,?,?,?,?,?,?,?,?)", ps -> {
      ps.setString(1, s.id());
      ps.setString(2, s.name());
      ps.setString(3, s.description());
      ps.setString(4, s.state().name());
      ps.setString(5, s.cron());
      ps.setObject(6, JobReadModel.odt(s.createdAt()));
      ps.setString(7, s.inputs() == null || s.inputs().isEmpty() ? null : Json.write(s.inputs()));
      ps.setString(8, s.createdBy() == null ? null : Json.write(s.createdBy()));
      ps.setString(9, s.tags() == null || s.tags().isEmpty() ? null : Json.write(s.tags()));
      ps.setLong(10, seqNr);
    })) {
      return false;
    }
    insertPermissions(c, s.id(), permissions);
    return true;
  }

  private static void insertPermissions(Connection c, String id, List<PermissionSpec> permissions)
      throws SQLException {
    for (PermissionSpec p : permissions) {
      if (p == null) continue;
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO scheduled_job_permissions (scheduled_job_id,"
          + " username, role) VALUES (?,?,?)")) {
        ps.setString(1, id);
        ps.setString(2, p.user());
        ps.setString(3, p.role());
        ps.executeUpdate();
      }
    }
  }

  /** The state after event {@code seqNr}, unless the row already shows that event or a later one. */
  public static void state(Connection c, String id, ScheduledJobState state, long seqNr) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "UPDATE scheduled_jobs SET state = ?, seq_nr = ? WHERE id = ? AND seq_nr < ?")) {
      ps.setString(1, state.name());
      ps.setLong(2, seqNr);
      ps.setString(3, id);
      ps.setLong(4, seqNr);
      ps.executeUpdate();
    }
  }

  /** The projection's deletion: the row and its permissions go. */
  public static void delete(Connection c, String id) throws SQLException {
    for (String sql : List.of("DELETE FROM scheduled_job_permissions WHERE scheduled_job_id = ?",
        "DELETE FROM scheduled_jobs WHERE id = ?")) {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setString(1, id);
        ps.executeUpdate();
      }
    }
  }

  /**
   * Writes a scheduled job's row as its entity has it after event {@code seqNr} (state
   * {@code DELETED} once deleted), in a transaction of its own, unless the row already shows that
   * event or a newer one. The API calls it before it answers a command; {@code s} is redacted.
   */
  public void writeThrough(ScheduledJobSummary s, List<PermissionSpec> permissions, long seqNr)
      throws SQLException {
    try (Connection c = db.connection()) {
      c.setAutoCommit(false);
      try {
        // A deletion only marks a row: the projection may have removed it already, and must not get it back.
        if (s.state() == ScheduledJobState.DELETED || !insert(c, s, permissions, seqNr)) {
          state(c, s.id(), s.state(), seqNr);
        }
        c.commit();
      } catch (SQLException e) {
        c.rollback();
        throw e;
      }
    }
  }

  /** A page of scheduled jobs, newest first (Tork: createdAt DESC). */
  public Page<ScheduledJobSummary> list(int page, int size) throws SQLException {
    return list(page, size, Principal.GUEST);
  }

  /** As above, only those {@code who} may see (no permissions, or permissions that grant them). */
  public Page<ScheduledJobSummary> list(int page, int size, Principal who) throws SQLException {
    String where = " WHERE s.state <> 'DELETED'";
    List<String> args = new ArrayList<>();
    if (!who.admin()) {
      StringBuilder w = new StringBuilder(where + " AND (NOT EXISTS (SELECT 1 FROM scheduled_job_permissions p WHERE"
          + " p.scheduled_job_id = s.id) OR EXISTS (SELECT 1 FROM scheduled_job_permissions p WHERE"
          + " p.scheduled_job_id = s.id AND (p.username = ?");
      args.add(who.user().username());
      for (String role : who.roles()) {
        w.append(" OR p.role = ?");
        args.add(role);
      }
      where = w.append(")))").toString();
    }
    try (Connection c = db.connection()) {
      long total;
      try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM scheduled_jobs s" + where)) {
        for (int i = 0; i < args.size(); i++) ps.setString(i + 1, args.get(i));
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          total = rs.getLong(1);
        }
      }
      List<ScheduledJobSummary> items = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT * FROM scheduled_jobs s" + where
          + " ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?")) {
        for (int i = 0; i < args.size(); i++) ps.setString(i + 1, args.get(i));
        ps.setInt(args.size() + 1, size);
        ps.setLong(args.size() + 2, (long) (page - 1) * size);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) items.add(row(rs));
        }
      }
      return Page.of(items, page, size, total);
    }
  }

  private static ScheduledJobSummary row(ResultSet rs) throws SQLException {
    String inputs = rs.getString("inputs");
    String by = rs.getString("created_by");
    String tags = rs.getString("tags");
    return new ScheduledJobSummary(
        rs.getString("id"),
        by == null ? null : Json.read(by, UserRef.class),
        inputs == null ? null : Json.read(inputs, STRING_MAP),
        ScheduledJobState.valueOf(rs.getString("state")),
        rs.getString("name"),
        rs.getString("description"),
        tags == null ? List.of() : Json.read(tags, STRING_LIST),
        JobReadModel.instant(rs, "created_at"),
        rs.getString("cron"));
  }
}
