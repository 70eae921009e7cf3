package io.jtork.stream;

import io.jtork.store.Database;
import io.jtork.store.TableTail;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the journal and the task log for all of a node's open streams at once: while any stream
 * listens to a table, the feed reads that table's new rows every {@code poll-interval} (one small
 * query, numbers and keys only) and tells each listener which of its jobs changed. A listener then
 * reads what it sends itself. Nothing is read while no stream is open.
 *
 * <p>Rows are numbered as they are inserted, but with several writers (a cluster's log writers,
 * the journal's concurrent persists) a row can become visible before a lower-numbered one that is
 * still being written. The feed therefore only moves past a missing number once the row has
 * appeared or {@code gap-timeout} has passed (the write was rolled back), so every listener sees
 * every committed row, in order. pekko-persistence-jdbc's own live queries wait for gaps the same
 * way; they cannot be used here because each runs its own query per stream (200 open streams
 * would be 200 queries a poll) and the task log is not a journal.
 */
public final class ChangeFeed implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ChangeFeed.class);
  private static final int BATCH = 5000;
  /** How far back a tail starts when its first stream opens: rows still being written then are not missed. */
  private static final long START_BACK = 1000;

  /** The tables a stream can follow. */
  public enum Table { JOURNAL, LOG }

  /** Told of new rows (keyed by job id) of the jobs it listens to, or of every job: it must return quickly. */
  public interface Listener {
    void changed(Table table, List<TableTail.Row> rows);
  }

  private final Map<Table, Tail> tails = new EnumMap<>(Table.class);
  private final Cancellable timer;
  private final String jobKeyPrefix;

  /**
   * @param jobKeyPrefix the persistence ids of jobs start with it ({@code "Job|"}); the journal's
   *     rows are keyed by job id, other entities' rows are left out
   */
  public ChangeFeed(ActorSystem<?> system, Database db, Executor blocking, StreamSettings settings,
      String jobKeyPrefix) {
    this.jobKeyPrefix = jobKeyPrefix;
    tails.put(Table.JOURNAL, new Tail(Table.JOURNAL, TableTail.journal(db), settings.gapTimeout()));
    tails.put(Table.LOG, new Tail(Table.LOG, TableTail.taskLog(db), settings.gapTimeout()));
    this.timer = system.scheduler().scheduleWithFixedDelay(settings.pollInterval(), settings.pollInterval(),
        this::poll, scala.concurrent.ExecutionContext.fromExecutor(blocking));
  }

  /**
   * Listens to the rows of {@code key} (a job id; null for every job) from now on. Answers the
   * table's position: every row up to it is visible now, every later one will be told. Blocks on
   * the database when it is the table's first listener.
   */
  public long listen(Table table, String key, Listener listener) throws SQLException {
    return tails.get(table).listen(key, listener);
  }

  public void stop(Table table, String key, Listener listener) {
    tails.get(table).stop(key, listener);
  }

  /** Every row of the table up to this number is visible now (-1 while nobody listens). */
  public long position(Table table) {
    return tails.get(table).position();
  }

  private void poll() {
    for (Tail t : tails.values()) {
      try {
        t.poll();
      } catch (Exception e) {
        log.warn("live streams: could not read the {} table's new rows, will try again: {}", t.table, e.toString());
      }
    }
  }

  @Override
  public void close() {
    timer.cancel();
  }

  /** One table, followed from {@code position} on. */
  private final class Tail {
    final Table table;
    final TableTail rows;
    final long gapTimeoutNanos;
    final Map<String, Set<Listener>> byKey = new HashMap<>();
    final Set<Listener> everyJob = new LinkedHashSet<>();
    long position = -1;
    long gapAt = -1;
    long gapSince;

    Tail(Table table, TableTail rows, Duration gapTimeout) {
      this.table = table;
      this.rows = rows;
      this.gapTimeoutNanos = gapTimeout.toNanos();
    }

    synchronized long listen(String key, Listener l) throws SQLException {
      if (position < 0) position = Math.max(0, rows.max() - START_BACK);
      if (key == null) everyJob.add(l);
      else byKey.computeIfAbsent(key, k -> new LinkedHashSet<>()).add(l);
      return position;
    }

    synchronized void stop(String key, Listener l) {
      if (key == null) {
        everyJob.remove(l);
      } else {
        Set<Listener> ls = byKey.get(key);
        if (ls != null && ls.remove(l) && ls.isEmpty()) byKey.remove(key);
      }
      if (byKey.isEmpty() && everyJob.isEmpty()) position = -1;
    }

    synchronized long position() {
      return position;
    }

    synchronized void poll() throws SQLException {
      while (position >= 0) {
        List<TableTail.Row> read = rows.after(position, BATCH);
        List<TableTail.Row> seen = new ArrayList<>(read.size());
        for (TableTail.Row r : read) {
          if (r.ordering() != position + 1) {
            long now = System.nanoTime();
            if (gapAt != position + 1) {
              gapAt = position + 1;
              gapSince = now;
            }
            if (now - gapSince < gapTimeoutNanos) break;
            log.info("live streams: row {} of the {} table did not appear within the gap timeout; going past it",
                position + 1, table);
          }
          seen.add(r);
          position = r.ordering();
          gapAt = -1;
        }
        tell(seen);
        if (read.size() < BATCH || seen.size() < read.size()) return;
      }
    }

    private void tell(List<TableTail.Row> seen) {
      if (seen.isEmpty()) return;
      Map<String, List<TableTail.Row>> byJob = new LinkedHashMap<>();
      for (TableTail.Row r : seen) {
        String job = jobOf(r.key());
        if (job != null) byJob.computeIfAbsent(job, k -> new ArrayList<>()).add(new TableTail.Row(r.ordering(), job));
      }
      byJob.forEach((job, rs) -> {
        Set<Listener> ls = byKey.get(job);
        if (ls != null) List.copyOf(ls).forEach(l -> tell(l, rs));
      });
      if (!everyJob.isEmpty() && !byJob.isEmpty()) {
        List<TableTail.Row> jobRows = byJob.values().stream().flatMap(List::stream)
            .sorted((a, b) -> Long.compare(a.ordering(), b.ordering())).toList();
        List.copyOf(everyJob).forEach(l -> tell(l, jobRows));
      }
    }

    private void tell(Listener l, List<TableTail.Row> rs) {
      try {
        l.changed(table, rs);
      } catch (RuntimeException e) {
        log.warn("live streams: a stream failed on new {} rows: {}", table, e.toString());
      }
    }

    /** The job a row belongs to, or null (another entity's event). */
    private String jobOf(String key) {
      if (table == Table.LOG) return key;
      return key.startsWith(jobKeyPrefix) ? key.substring(jobKeyPrefix.length()) : null;
    }
  }
}
