package io.jtork.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.jtork.auth.Principal;
import io.jtork.json.Json;
import io.jtork.model.JobState;
import io.jtork.model.JobSummary;
import io.jtork.model.Page;
import io.jtork.model.ScheduleRef;
import io.jtork.model.UserRef;
import io.jtork.spec.PermissionSpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code jobs}, {@code job_tags} and {@code tasks} tables: written by the jobs projection
 * inside its transaction (the {@code Connection} methods), read by {@code GET /jobs} and
 * {@code GET /tasks/{id}}. Values arrive here already redacted.
 */
public final class JobReadModel {
  private static final TypeReference<LinkedHashMap<String, String>> STRING_MAP = new TypeReference<>() {};
  private final Database db;

  public JobReadModel(Database db) {
    this.db = db;
  }

  /** The tables this read model owns, all rebuilt from the journal by a replay. */
  public static final List<String> TABLES = List.of("jobs", "job_tags", "job_permissions", "tasks");

  // ---- writes, inside the projection's transaction ----------------------------------------
  //
  // Each job row carries seq_nr, the sequence number of the newest of its job's events it shows.
  // The API writes a job's whole row right after a command (writeThrough, so that the next list
  // shows it); the projection, applying the same events later, leaves a row alone that already
  // shows a newer event. Every row change below is guarded that way, and sets seq_nr.

  /**
   * The row of a job just submitted ({@code JobSubmitted}, always the job's first event), unless
   * the API wrote it first. Returns whether it inserted it.
   */
  public static boolean insertJob(Connection c, JobSummary s, Instant deleteAt, List<String> tags,
      List<PermissionSpec> permissions, long seqNr) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM jobs WHERE id = ?")) {
      ps.setString(1, s.id());
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) return false;
      }
    }
    if (!insertUnlessThere(c, "INSERT INTO jobs (" + COLUMNS + ") VALUES (" + PLACEHOLDERS + ")",
        ps -> bindRow(ps, s, deleteAt, seqNr))) {
      return false;
    }
    insertTagsAndPermissions(c, s.id(), tags, permissions);
    return true;
  }

  /** Binds a statement's parameters. */
  @FunctionalInterface
  interface Binder {
    void bind(PreparedStatement ps) throws SQLException;
  }

  /**
   * Runs an INSERT of a row that another transaction may insert at the same moment (the API's
   * write and a projection, each having found no row): false, and this transaction still usable,
   * when the other one got there first. A savepoint keeps the duplicate key from aborting the
   * whole transaction (PostgreSQL aborts it on any error), which for a projection is a group of
   * up to 500 events.
   */
  static boolean insertUnlessThere(Connection c, String sql, Binder binder) throws SQLException {
    Savepoint before = c.getAutoCommit() ? null : c.setSavepoint();
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      binder.bind(ps);
      ps.executeUpdate();
    } catch (SQLException e) {
      if (!"23505".equals(e.getSQLState())) throw e;
      if (before != null) c.rollback(before);
      return false;
    }
    if (before != null) c.releaseSavepoint(before);
    return true;
  }

  private static final String COLUMNS = "id, parent_id, name, description, state, created_at, started_at,"
      + " completed_at, failed_at, delete_at, position, task_count, progress, result, error, inputs, created_by,"
      + " schedule_id, schedule_cron, schedule_fire_time, seq_nr";
  private static final String PLACEHOLDERS = "?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?";

  /** Binds a whole row in {@link #COLUMNS}' order; returns the next parameter's index. */
  private static int bindRow(PreparedStatement ps, JobSummary s, Instant deleteAt, long seqNr) throws SQLException {
    ps.setString(1, s.id());
    ps.setString(2, s.parentId());
    ps.setString(3, s.name());
    ps.setString(4, s.description());
    ps.setString(5, s.state().name());
    ps.setObject(6, odt(s.createdAt()));
    setInstant(ps, 7, s.startedAt());
    setInstant(ps, 8, s.completedAt());
    setInstant(ps, 9, s.failedAt());
    setInstant(ps, 10, deleteAt);
    ps.setInt(11, s.position());
    ps.setInt(12, s.taskCount() == null ? 0 : s.taskCount());
    ps.setDouble(13, s.progress() == null ? 0 : s.progress());
    setText(ps, 14, s.result());
    setText(ps, 15, s.error());
    setText(ps, 16, s.inputs() == null || s.inputs().isEmpty() ? null : Json.write(s.inputs()));
    setText(ps, 17, s.createdBy() == null ? null : Json.write(s.createdBy()));
    ps.setString(18, s.schedule() == null ? null : s.schedule().id());
    ps.setString(19, s.schedule() == null ? null : s.schedule().cron());
    setInstant(ps, 20, s.schedule() == null ? null : s.schedule().fireTime());
    ps.setLong(21, seqNr);
    return 22;
  }

  private static void insertTagsAndPermissions(Connection c, String id, List<String> tags,
      List<PermissionSpec> permissions) throws SQLException {
    if (permissions != null) {
      for (PermissionSpec p : permissions) {
        if (p == null) continue;
        update(c, "INSERT INTO job_permissions (job_id, username, role) VALUES (?,?,?)", id, p.user(), p.role());
      }
    }
    if (tags != null && !tags.isEmpty()) {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO job_tags (job_id, tag) VALUES (?, ?)")) {
        for (String tag : new LinkedHashSet<>(tags)) {
          ps.setString(1, id);
          ps.setString(2, tag);
          ps.addBatch();
        }
        ps.executeBatch();
      }
    }
  }

  /** A job's whole row as its entity has it after event {@code seqNr}; {@code summary} is redacted. */
  public record RowWrite(JobSummary summary, Instant deleteAt, List<String> tags, List<PermissionSpec> permissions,
      long seqNr) {}

  /**
   * Writes jobs' whole rows as their entities have them, in one transaction (all or none), each
   * unless its row already shows that event or a newer one: the API calls this once a command
   * is journaled and before it answers, so that the next {@code GET /jobs} (on any node) shows
   * the change without waiting for the projection.
   */
  public void writeThrough(List<RowWrite> rows) throws SQLException {
    try (Connection c = db.connection()) {
      c.setAutoCommit(false);
      try {
        for (RowWrite r : rows) writeThrough(c, r);
        c.commit();
      } catch (SQLException e) {
        c.rollback();
        throw e;
      }
    }
  }

  private static void writeThrough(Connection c, RowWrite r) throws SQLException {
    if (updateRow(c, r.summary(), r.deleteAt(), r.seqNr()) > 0) return;
    // No row yet, or one that shows a newer event. If the projection inserts it meanwhile, update that.
    if (!insertJob(c, r.summary(), r.deleteAt(), r.tags(), r.permissions(), r.seqNr())) {
      updateRow(c, r.summary(), r.deleteAt(), r.seqNr());
    }
  }

  /** The whole row, unless it already shows event {@code seqNr} or a newer one; how many rows changed. */
  private static int updateRow(Connection c, JobSummary s, Instant deleteAt, long seqNr) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("UPDATE jobs SET (" + COLUMNS + ") = (" + PLACEHOLDERS
        + ") WHERE id = ? AND seq_nr < ?")) {
      int i = bindRow(ps, s, deleteAt, seqNr);
      ps.setString(i, s.id());
      ps.setLong(i + 1, seqNr);
      return ps.executeUpdate();
    }
  }

  /**
   * The changes of a job's events to its row, written as one guarded UPDATE. Every
   * change sets columns to values (none is relative to the row), so the newest event that sets a
   * column decides it, and the row ends as these events in order would leave it, whether it
   * showed none of them or some already (the API's write-through, at any event up to the last):
   * one statement for a projection's group of a job's events instead of one per event.
   */
  public static final class RowChange {
    private final String id;
    private final Map<String, Object> columns = new LinkedHashMap<>();
    private long seqNr;

    public RowChange(String id) {
      this.id = id;
    }

    public RowChange started(Instant at, long seqNr) {
      return set(seqNr, "state", JobState.SCHEDULED.name(), "position", 1, "started_at", odt(at));
    }

    public RowChange state(JobState state, long seqNr) {
      return set(seqNr, "state", state.name());
    }

    public RowChange advanced(int position, double progress, long seqNr) {
      return set(seqNr, "position", position, "progress", progress);
    }

    public RowChange progress(double progress, long seqNr) {
      return set(seqNr, "progress", progress);
    }

    public RowChange completed(String result, Instant at, Instant deleteAt, long seqNr) {
      return set(seqNr, "state", JobState.COMPLETED.name(), "progress", 100.0, "result", result, "error", null,
          "completed_at", odt(at), "delete_at", deleteAt == null ? NULL_TIMESTAMP : odt(deleteAt));
    }

    public RowChange failed(String error, Instant at, long seqNr) {
      return set(seqNr, "state", JobState.FAILED.name(), "error", error, "failed_at", odt(at));
    }

    public RowChange restarted(long seqNr) {
      return set(seqNr, "state", JobState.RUNNING.name(), "error", null, "result", null, "failed_at", NULL_TIMESTAMP,
          "completed_at", NULL_TIMESTAMP);
    }

    /** {@code pairs}: column, value, column, value...; a null value is a null text. */
    private RowChange set(long seqNr, Object... pairs) {
      for (int i = 0; i < pairs.length; i += 2) columns.put((String) pairs[i], pairs[i + 1]);
      this.seqNr = Math.max(this.seqNr, seqNr);
      return this;
    }

    /** Writes the changes gathered so far (none: nothing) and starts afresh. */
    public void write(Connection c) throws SQLException {
      if (columns.isEmpty()) return;
      guarded(c, String.join(" = ?, ", columns.keySet()) + " = ?", id, seqNr, columns.values().toArray());
      columns.clear();
    }
  }

  /** {@code UPDATE jobs SET <set>} for job {@code id}, unless its row already shows event {@code seqNr} or a later one. */
  private static void guarded(Connection c, String set, String id, long seqNr, Object... args) throws SQLException {
    Object[] all = Arrays.copyOf(args, args.length + 3);
    all[args.length] = seqNr;
    all[args.length + 1] = id;
    all[args.length + 2] = seqNr;
    update(c, "UPDATE jobs SET " + set + ", seq_nr = ? WHERE id = ? AND seq_nr < ?", all);
  }

  /** A deleted job leaves the read model: its row, tags, tasks and logs. */
  public static void deleted(Connection c, String id) throws SQLException {
    for (String table : List.of("task_log_parts", "tasks", "job_tags", "job_permissions")) {
      update(c, "DELETE FROM " + table + " WHERE job_id = ?", id);
    }
    update(c, "DELETE FROM jobs WHERE id = ?", id);
  }

  /**
   * Jobs to delete now: COMPLETED ones whose {@code autoDelete} is due, and finished ones
   * (COMPLETED, FAILED, CANCELLED) that ended before {@code finishedBefore} (null: none).
   */
  public List<String> dueForDeletion(Instant now, Instant finishedBefore, int limit) throws SQLException {
    List<String> ids = new ArrayList<>();
    try (Connection c = db.connection()) {
      // The lower bound starts the index range past the jobs without delete_at (nulls sort first on H2).
      try (PreparedStatement ps = c.prepareStatement("SELECT id FROM jobs WHERE state = 'COMPLETED'"
          + " AND delete_at >= ? AND delete_at <= ? ORDER BY delete_at LIMIT ?")) {
        ps.setObject(1, odt(Instant.EPOCH));
        ps.setObject(2, odt(now));
        ps.setInt(3, limit);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) ids.add(rs.getString(1));
        }
      }
      if (finishedBefore != null && ids.size() < limit) {
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM jobs WHERE state IN ('COMPLETED', 'FAILED',"
            + " 'CANCELLED') AND created_at < ? AND COALESCE(completed_at, failed_at, created_at) < ? LIMIT ?")) {
          ps.setObject(1, odt(finishedBefore));
          ps.setObject(2, odt(finishedBefore));
          ps.setInt(3, limit - ids.size());
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) if (!ids.contains(rs.getString(1))) ids.add(rs.getString(1));
          }
        }
      }
    }
    return ids;
  }

  public static void taskCreated(Connection c, String taskId, String jobId, int position, Instant at)
      throws SQLException {
    update(c, "DELETE FROM tasks WHERE id = ?", taskId);
    update(c, "INSERT INTO tasks (id, job_id, position, created_at) VALUES (?,?,?,?)", taskId, jobId, position,
        odt(at));
  }

  /** A null timestamp argument for {@link #update} (PostgreSQL refuses a VARCHAR null for a timestamp column). */
  private static final Object NULL_TIMESTAMP = new Object();

  private static void setInstant(PreparedStatement ps, int i, Instant at) throws SQLException {
    if (at == null) ps.setNull(i, Types.TIMESTAMP_WITH_TIMEZONE);
    else ps.setObject(i, odt(at));
  }

  private static void setText(PreparedStatement ps, int i, String text) throws SQLException {
    if (text == null) ps.setNull(i, Types.VARCHAR);
    else ps.setString(i, text);
  }

  private static void update(Connection c, String sql, Object... args) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        if (args[i] == NULL_TIMESTAMP) ps.setNull(i + 1, Types.TIMESTAMP_WITH_TIMEZONE);
        else if (args[i] == null) ps.setNull(i + 1, Types.VARCHAR);
        else ps.setObject(i + 1, args[i]);
      }
      ps.executeUpdate();
    }
  }

  // ---- reads -------------------------------------------------------------------------------

  /**
   * A page of jobs, newest first. {@code q} follows Tork: words match name, description or state
   * (all words must match); {@code tag:x} and {@code tags:a,b} filter by tag.
   */
  public Page<JobSummary> list(int page, int size, String q) throws SQLException {
    return list(page, size, q, Principal.GUEST);
  }

  /** As above, only the jobs {@code who} may see (those without permissions, or that grant them). */
  public Page<JobSummary> list(int page, int size, String q, Principal who) throws SQLException {
    Query query = Query.parse(q);
    StringBuilder where = new StringBuilder(" WHERE 1=1");
    List<Object> args = new ArrayList<>();
    if (!who.admin()) {
      where.append(" AND (NOT EXISTS (SELECT 1 FROM job_permissions p WHERE p.job_id = j.id) OR EXISTS (SELECT 1 FROM"
          + " job_permissions p WHERE p.job_id = j.id AND (p.username = ?");
      args.add(who.user().username());
      for (String role : who.roles()) {
        where.append(" OR p.role = ?");
        args.add(role);
      }
      where.append(")))");
    }
    for (String word : query.words) {
      where.append(" AND (LOWER(j.name) LIKE ? ESCAPE '\\' OR LOWER(COALESCE(j.description, '')) LIKE ? ESCAPE '\\'"
          + " OR LOWER(j.state) = ?)");
      String like = "%" + escapeLike(word) + "%";
      args.add(like);
      args.add(like);
      args.add(word);
    }
    for (List<String> anyOf : query.tagGroups) {
      where.append(" AND EXISTS (SELECT 1 FROM job_tags t WHERE t.job_id = j.id AND t.tag IN (")
          .append(String.join(",", Collections.nCopies(anyOf.size(), "?"))).append("))");
      args.addAll(anyOf);
    }
    try (Connection c = db.connection()) {
      long total;
      try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM jobs j" + where)) {
        bind(ps, args);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          total = rs.getLong(1);
        }
      }
      List<JobSummary> items = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT j.* FROM jobs j" + where
          + " ORDER BY j.created_at DESC, j.id DESC LIMIT ? OFFSET ?")) {
        List<Object> all = new ArrayList<>(args);
        all.add(size);
        all.add((long) (page - 1) * size);
        bind(ps, all);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) items.add(row(rs));
        }
      }
      if (!items.isEmpty()) attachTags(c, items);
      return Page.of(items, page, size, total);
    }
  }

  public Optional<String> jobIdOfTask(String taskId) throws SQLException {
    try (Connection c = db.connection();
        PreparedStatement ps = c.prepareStatement("SELECT job_id FROM tasks WHERE id = ?")) {
      ps.setString(1, taskId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
      }
    }
  }

  public long countInState(JobState state) throws SQLException {
    try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM jobs WHERE state = ?")) {
      ps.setString(1, state.name());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  public long count() throws SQLException {
    try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM jobs");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private void attachTags(Connection c, List<JobSummary> items) throws SQLException {
    Map<String, List<String>> tags = new LinkedHashMap<>();
    String in = String.join(",", Collections.nCopies(items.size(), "?"));
    try (PreparedStatement ps = c.prepareStatement("SELECT job_id, tag FROM job_tags WHERE job_id IN (" + in + ")")) {
      for (int i = 0; i < items.size(); i++) ps.setString(i + 1, items.get(i).id());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) tags.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
      }
    }
    items.replaceAll(s -> tags.containsKey(s.id()) ? withTags(s, tags.get(s.id())) : s);
  }

  private static JobSummary withTags(JobSummary s, List<String> tags) {
    return new JobSummary(s.id(), s.createdBy(), s.parentId(), s.inputs(), s.name(), s.description(), tags, s.state(),
        s.createdAt(), s.startedAt(), s.completedAt(), s.failedAt(), s.position(), s.taskCount(), s.result(),
        s.error(), s.progress(), s.schedule());
  }

  private static JobSummary row(ResultSet rs) throws SQLException {
    String scheduleId = rs.getString("schedule_id");
    return new JobSummary(
        rs.getString("id"),
        readJson(rs.getString("created_by"), UserRef.class),
        rs.getString("parent_id"),
        readMap(rs.getString("inputs")),
        rs.getString("name"),
        rs.getString("description"),
        List.of(),
        JobState.valueOf(rs.getString("state")),
        instant(rs, "created_at"),
        instant(rs, "started_at"),
        instant(rs, "completed_at"),
        instant(rs, "failed_at"),
        rs.getInt("position"),
        JobSummary.nonZero(rs.getInt("task_count")),
        rs.getString("result"),
        rs.getString("error"),
        JobSummary.nonZero(rs.getDouble("progress")),
        scheduleId == null ? null : new ScheduleRef(scheduleId, rs.getString("schedule_cron"),
            instant(rs, "schedule_fire_time")));
  }

  static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }

  static OffsetDateTime odt(Instant i) {
    return i == null ? null : i.atOffset(ZoneOffset.UTC);
  }

  static void bind(PreparedStatement ps, List<Object> args) throws SQLException {
    for (int i = 0; i < args.size(); i++) ps.setObject(i + 1, args.get(i));
  }

  static String escapeLike(String s) {
    return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
  }

  private static Map<String, String> readMap(String json) {
    if (json == null) return null;
    try {
      return Json.json().readValue(json, STRING_MAP);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("unreadable inputs in the read model: " + e.getOriginalMessage(), e);
    }
  }

  private static <T> T readJson(String json, Class<T> type) {
    return json == null ? null : Json.read(json, type);
  }

  /** Tork's {@code q}: free words, {@code tag:x} and {@code tags:a,b}. */
  record Query(List<String> words, List<List<String>> tagGroups) {
    static Query parse(String q) {
      List<String> words = new ArrayList<>();
      List<List<String>> tags = new ArrayList<>();
      if (q != null) {
        for (String token : q.trim().split("\\s+")) {
          if (token.isEmpty()) continue;
          String lower = token.toLowerCase(Locale.ROOT);
          if (lower.startsWith("tag:") || lower.startsWith("tags:")) {
            List<String> anyOf = new ArrayList<>();
            for (String t : token.substring(token.indexOf(':') + 1).split(",")) {
              if (!t.isBlank()) anyOf.add(t.trim());
            }
            if (!anyOf.isEmpty()) tags.add(anyOf);
          } else {
            words.add(lower);
          }
        }
      }
      return new Query(words, tags);
    }
  }

  static Timestamp ts(Instant i) {
    return i == null ? null : Timestamp.from(i);
  }
}
