package io.jtork.projection;

import io.jtork.concurrent.Stages;
import io.jtork.event.JobEvent;
import io.jtork.event.ScheduledJobEvent;
import io.jtork.job.JobEntity;
import io.jtork.redact.Redactor;
import io.jtork.scheduled.ScheduledJobEntity;
import io.jtork.store.Database;
import io.jtork.store.JobReadModel;
import io.jtork.store.ScheduledJobReadModel;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.projection.ProjectionId;
import org.apache.pekko.projection.javadsl.ProjectionManagement;
import org.apache.pekko.stream.javadsl.Sink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drops and rebuilds the read models ({@link JobReadModel#TABLES}, {@link ScheduledJobReadModel#TABLES})
 * from the journal while the node serves ({@code jtork replay}, {@code POST /admin/replay}).
 *
 * <p>Each projection is paused through Pekko's {@link ProjectionManagement} (its pause is kept in
 * the database, so it holds wherever in the cluster the projection runs); then, in one database
 * transaction, its tables are emptied and every event with its tag is applied by the projection's
 * own handler; then its offset is set to the last event replayed and it is resumed, so events
 * journaled meanwhile are applied after. Readers keep seeing the old rows until the transaction
 * commits (PostgreSQL and H2 are both MVCC), so {@code GET /jobs} answers in full throughout.
 * A failed replay rolls back and leaves the tables and the offset as they were.
 *
 * <p>If the node dies mid-replay the transaction is rolled back but the projections stay paused:
 * {@link #warnIfPaused} says so when a coordinator starts, and another replay (which resumes them
 * at its end) puts it right.
 */
public final class ReadModelReplay {
  private static final Logger log = LoggerFactory.getLogger(ReadModelReplay.class);
  private static final int GROUP = 500;

  public enum State { IDLE, RUNNING, COMPLETED, FAILED }

  /** What a replay did, or is doing: events replayed so far, and the rate once it has ended. */
  public record Status(State state, Instant startedAt, Instant finishedAt, long jobEvents, long scheduledJobEvents,
      Long millis, Double eventsPerSecond, String error) {
    public long events() {
      return jobEvents + scheduledJobEvents;
    }
  }

  private final ActorSystem<?> system;
  private final Database db;
  private final Redactor redactor;
  private final Executor blocking;
  private final AtomicBoolean running = new AtomicBoolean();
  private final AtomicReference<Status> last =
      new AtomicReference<>(new Status(State.IDLE, null, null, 0, 0, null, null, null));
  private final AtomicLong jobEvents = new AtomicLong();
  private final AtomicLong scheduledJobEvents = new AtomicLong();

  public ReadModelReplay(ActorSystem<?> system, Database db, Redactor redactor, Executor blocking) {
    this.system = system;
    this.db = db;
    this.redactor = redactor;
    this.blocking = blocking;
  }

  /** The replay running now, else the last one to end on this node (IDLE if none). */
  public Status status() {
    Status s = last.get();
    if (s.state() != State.RUNNING) return s;
    return new Status(State.RUNNING, s.startedAt(), null, jobEvents.get(), scheduledJobEvents.get(), null, null, null);
  }

  /** Starts a replay in the background ({@link #status()} follows it); false when one is already running here. */
  public boolean start() {
    if (!running.compareAndSet(false, true)) return false;
    jobEvents.set(0);
    scheduledJobEvents.set(0);
    Instant started = Instant.now();
    last.set(new Status(State.RUNNING, started, null, 0, 0, null, null, null));
    log.info("replay: rebuilding the read models from the journal");
    ProjectionManagement pm = ProjectionManagement.get(system);
    CompletionStage<Done> paused = pm.pause(JobsProjection.ID).thenCompose(d -> pm.pause(ScheduledJobsProjection.ID))
        .thenApply(d -> {
          log.info("replay: projections paused after {} ms", Duration.between(started, Instant.now()).toMillis());
          return d;
        });
    var jobs = new JobsProjection.Handler(redactor);
    var scheduledJobs = new ScheduledJobsProjection.Handler(redactor);
    // The two read models are rebuilt side by side: each ends with the read journal's wait for its
    // view of the journal's end (up to a second), which then overlaps.
    paused
        .thenCompose(d -> rebuild(JobsProjection.ID, JobEntity.TAG, JobReadModel.TABLES, jobEvents,
                (c, id, e, seqNr) -> jobs.apply(c, id, (JobEvent) e, seqNr))
            .thenCombine(rebuild(ScheduledJobsProjection.ID, ScheduledJobEntity.TAG, ScheduledJobReadModel.TABLES,
                scheduledJobEvents, (c, id, e, seqNr) -> scheduledJobs.apply(c, id, (ScheduledJobEvent) e, seqNr)),
                (a, b) -> Done.getInstance()))
        .handle((d, failure) -> failure)
        .thenCompose(failure -> paused.handle((p, f) -> Done.getInstance())
            .thenCompose(x -> pm.resume(JobsProjection.ID))
            .thenCompose(x -> pm.resume(ScheduledJobsProjection.ID))
            .handle((x, resumeFailure) -> {
              finish(started, failure != null ? failure : resumeFailure);
              return Done.getInstance();
            }));
    return true;
  }

  private void finish(Instant started, Throwable failure) {
    Instant now = Instant.now();
    long millis = Math.max(1, Duration.between(started, now).toMillis());
    long events = jobEvents.get() + scheduledJobEvents.get();
    Status s;
    if (failure == null) {
      s = new Status(State.COMPLETED, started, now, jobEvents.get(), scheduledJobEvents.get(), millis,
          events * 1000.0 / millis, null);
      log.info("replay: {} events replayed in {} ms ({} events/s)", events, millis, Math.round(events * 1000.0 / millis));
    } else {
      Throwable cause = Stages.unwrap(failure);
      s = new Status(State.FAILED, started, now, jobEvents.get(), scheduledJobEvents.get(), millis, null,
          cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage());
      log.warn("replay failed; the read models are as they were: {}", s.error());
    }
    last.set(s);
    running.set(false);
  }

  /** Applies event {@code seqNr} of entity {@code id} to the read model inside the replay's transaction. */
  @FunctionalInterface
  interface Apply {
    void apply(Connection c, String id, Object event, long seqNr) throws SQLException;
  }

  /**
   * Empties {@code tables} and applies every event tagged {@code tag} in one transaction, then
   * moves the (paused) projection's offset to the last of them.
   */
  private CompletionStage<Done> rebuild(ProjectionId projection, String tag, List<String> tables, AtomicLong count,
      Apply apply) {
    JdbcReadJournal journal = PersistenceQuery.get(system)
        .getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
    CompletableFuture<Connection> open = CompletableFuture.supplyAsync(() -> {
      try {
        Connection c = db.connection();
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
          for (String table : tables) st.executeUpdate("DELETE FROM " + table);
        }
        return c;
      } catch (SQLException e) {
        throw new IllegalStateException("replay of " + projection.name() + ": " + e.getMessage(), e);
      }
    }, blocking);
    AtomicReference<Offset> lastOffset = new AtomicReference<>();
    return open.thenCompose(c -> journal.currentEventsByTag(tag, Offset.noOffset())
            .grouped(GROUP)
            .mapAsync(1, group -> CompletableFuture.supplyAsync(() -> {
              try {
                for (EventEnvelope e : group) {
                  String pid = e.persistenceId();
                  apply.apply(c, pid.substring(pid.indexOf('|') + 1), e.event(), e.sequenceNr());
                  lastOffset.set(e.offset());
                }
              } catch (SQLException ex) {
                throw new IllegalStateException("replay of " + projection.name() + ": " + ex.getMessage(), ex);
              }
              count.addAndGet(group.size());
              return group.size();
            }, blocking))
            .runWith(Sink.ignore(), system)
            .thenApplyAsync(done -> {
              try {
                c.commit();
                return done;
              } catch (SQLException e) {
                throw new IllegalStateException("replay of " + projection.name() + ": " + e.getMessage(), e);
              }
            }, blocking)
            .whenCompleteAsync((done, failure) -> close(c, failure != null), blocking))
        .thenCompose(done -> {
          log.info("replay: {} rebuilt from {} events after {} ms", projection.name(), count.get(),
              Duration.between(last.get().startedAt(), Instant.now()).toMillis());
          return lastOffset.get() == null
              ? ProjectionManagement.get(system).clearOffset(projection)
              : ProjectionManagement.get(system).updateOffset(projection, lastOffset.get());
        });
  }

  private static void close(Connection c, boolean rollback) {
    try (c) {
      if (rollback) c.rollback();
    } catch (SQLException e) {
      log.warn("replay: closing its connection: {}", e.getMessage());
    }
  }

  /**
   * Logs a warning for each read model whose projection is paused: only a replay pauses them, so
   * one is paused when a replay was interrupted (or runs now on another coordinator).
   */
  public static void warnIfPaused(Database db) {
    try (Connection c = db.connection();
        Statement st = c.createStatement();
        var rs = st.executeQuery("SELECT projection_name FROM pekko_projection_management WHERE paused = TRUE")) {
      while (rs.next()) {
        log.warn("the {} read model is not being updated: its projection was paused by a replay that did not"
            + " finish (unless one runs now on another coordinator); run `jtork replay` to rebuild it and resume",
            rs.getString(1));
      }
    } catch (SQLException e) {
      log.warn("could not check whether a replay was interrupted: {}", e.getMessage());
    }
  }
}
