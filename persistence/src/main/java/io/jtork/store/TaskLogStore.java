package io.jtork.store;

import io.jtork.model.Page;
import io.jtork.model.TaskLogPart;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The {@code task_log_parts} table: appended in batches by the log writer, paged by the API. */
public final class TaskLogStore {
  private final Database db;

  /** A part as the worker ships it; the worker has already redacted the secrets in it. */
  public record NewPart(String id, String jobId, String taskId, int taskPosition, Instant taskCreatedAt, int run,
      int number, String contents, Instant createdAt) {}

  public TaskLogStore(Database db) {
    this.db = db;
  }

  public void append(List<NewPart> parts) throws SQLException {
    if (parts.isEmpty()) return;
    try (Connection c = db.connection()) {
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO task_log_parts (id, job_id, task_id, task_position,"
          + " task_created_at, run, number, contents, created_at) VALUES (?,?,?,?,?,?,?,?,?)")) {
        for (NewPart p : parts) {
          ps.setString(1, p.id());
          ps.setString(2, p.jobId());
          ps.setString(3, p.taskId());
          ps.setInt(4, p.taskPosition());
          ps.setObject(5, JobReadModel.odt(p.taskCreatedAt()));
          ps.setInt(6, p.run());
          ps.setInt(7, p.number());
          ps.setString(8, p.contents());
          ps.setObject(9, JobReadModel.odt(p.createdAt()));
          ps.addBatch();
        }
        ps.executeBatch();
        c.commit();
      } catch (SQLException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    }
  }

  /** Deletes log parts written before {@code before} (log retention); answers how many. */
  public int deleteOlderThan(Instant before) throws SQLException {
    try (Connection c = db.connection();
        PreparedStatement ps = c.prepareStatement("DELETE FROM task_log_parts WHERE created_at < ?")) {
      ps.setObject(1, before.atOffset(ZoneOffset.UTC));
      return ps.executeUpdate();
    }
  }

  /** A part and its place in the order of all parts written ({@code ordering}, ascending as they are written). */
  public record Sequenced(long ordering, TaskLogPart part) {}

  /**
   * The job's parts after {@code after} up to {@code upTo} (both {@code ordering}s), in the order
   * they were written, at most {@code limit}: what the live log stream sends next.
   */
  public List<Sequenced> after(String jobId, long after, long upTo, int limit) throws SQLException {
    try (Connection c = db.connection();
        PreparedStatement ps = c.prepareStatement("SELECT ordering, id, number, task_id, contents, created_at"
            + " FROM task_log_parts WHERE job_id = ? AND ordering > ? AND ordering <= ? ORDER BY ordering LIMIT ?")) {
      ps.setString(1, jobId);
      ps.setLong(2, after);
      ps.setLong(3, upTo);
      ps.setInt(4, limit);
      List<Sequenced> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(new Sequenced(rs.getLong(1), new TaskLogPart(rs.getString(2), rs.getInt(3), rs.getString(4),
              rs.getString(5), JobReadModel.instant(rs, "created_at"))));
        }
      }
      return out;
    }
  }

  /** A task's parts, newest first. */
  public Page<TaskLogPart> forTask(String taskId, int page, int size, String q) throws SQLException {
    return query("task_id = ?", taskId, "run DESC, number DESC", page, size, q);
  }

  /** A job's parts: latest task first, then newest part first, as Tork orders them. */
  public Page<TaskLogPart> forJob(String jobId, int page, int size, String q) throws SQLException {
    return query("job_id = ?", jobId, "task_position DESC, task_created_at DESC, run DESC, number DESC", page, size, q);
  }

  private Page<TaskLogPart> query(String filter, String key, String order, int page, int size, String q)
      throws SQLException {
    String where = " WHERE " + filter;
    List<Object> args = new ArrayList<>(List.of(key));
    if (q != null && !q.isBlank()) {
      for (String word : q.trim().split("\\s+")) {
        where += " AND LOWER(contents) LIKE ? ESCAPE '\\'";
        args.add("%" + JobReadModel.escapeLike(word.toLowerCase(Locale.ROOT)) + "%");
      }
    }
    try (Connection c = db.connection()) {
      long total;
      try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM task_log_parts" + where)) {
        JobReadModel.bind(ps, args);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          total = rs.getLong(1);
        }
      }
      List<TaskLogPart> items = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT id, number, task_id, contents, created_at FROM"
          + " task_log_parts" + where + " ORDER BY " + order + " LIMIT ? OFFSET ?")) {
        List<Object> all = new ArrayList<>(args);
        all.add(size);
        all.add((long) (page - 1) * size);
        JobReadModel.bind(ps, all);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            items.add(new TaskLogPart(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getString(4),
                JobReadModel.instant(rs, "created_at")));
          }
        }
      }
      return Page.of(items, page, size, total);
    }
  }
}
