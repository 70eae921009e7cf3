package io.jtork.projection;

import io.jtork.cluster.Roles;
import io.jtork.event.JobAdvanced;
import io.jtork.event.JobCancelled;
import io.jtork.event.JobCompleted;
import io.jtork.event.JobDeleted;
import io.jtork.event.JobEvent;
import io.jtork.event.JobFailed;
import io.jtork.event.JobRestarted;
import io.jtork.event.JobRunning;
import io.jtork.event.JobStarted;
import io.jtork.event.JobSubmitted;
import io.jtork.event.TaskCreated;
import io.jtork.event.TaskProgressed;
import io.jtork.job.JobEntity;
import io.jtork.metrics.JtorkMetrics;
import io.jtork.model.JobState;
import io.jtork.model.JobSummary;
import io.jtork.redact.Redactor;
import io.jtork.store.Database;
import io.jtork.store.JobReadModel;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.ShardedDaemonProcessSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ShardedDaemonProcess;
import org.apache.pekko.japi.function.Function;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.projection.ProjectionBehavior;
import org.apache.pekko.projection.ProjectionId;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.eventsourced.javadsl.EventSourcedProvider;
import org.apache.pekko.projection.javadsl.GroupedProjection;
import org.apache.pekko.projection.javadsl.SourceProvider;
import org.apache.pekko.projection.jdbc.JdbcSession;
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;
import org.apache.pekko.projection.jdbc.javadsl.JdbcProjection;

/** Keeps the jobs read model from the journal. */
public final class JobsProjection {
  public static final ProjectionId ID = ProjectionId.of("jobs", JobEntity.TAG);

  private JobsProjection() {}

  public static void init(ActorSystem<?> system, Database db, Redactor redactor) {
    ShardedDaemonProcess.get(system).init(ProjectionBehavior.Command.class, "jobs-projection", 1,
        i -> ProjectionBehavior.create(projection(system, db, redactor)),
        ShardedDaemonProcessSettings.create(system).withRole(Roles.COORDINATOR), Optional.of(ProjectionBehavior.stopMessage()));
  }

  /**
   * Events are applied in groups (up to 500, or what arrived within 100 ms), each group and its
   * offset in one transaction: still exactly once, but one commit for many events instead of
   * one per event, which is most of the read side's cost.
   */
  static GroupedProjection<Offset, EventEnvelope<JobEvent>> projection(ActorSystem<?> system, Database db,
      Redactor redactor) {
    SourceProvider<Offset, EventEnvelope<JobEvent>> source =
        EventSourcedProvider.eventsByTag(system, JdbcReadJournal.Identifier(), JobEntity.TAG);
    JtorkMetrics metrics = JtorkMetrics.get(system);
    return JdbcProjection.groupedWithin(ID, source, () -> new PooledSession(db), () -> new Handler(redactor, metrics),
            system)
        .withGroup(500, Duration.ofMillis(100));
  }

  /** A group of events, applied to the read model in the projection's transaction. */
  static final class Handler extends JdbcHandler<List<EventEnvelope<JobEvent>>, PooledSession> {
    private final Redactor redactor;
    /** Where the lag is recorded; null for a replay, which is behind by design. */
    private final JtorkMetrics metrics;

    Handler(Redactor redactor) {
      this(redactor, null);
    }

    Handler(Redactor redactor, JtorkMetrics metrics) {
      this.redactor = redactor;
      this.metrics = metrics;
    }

    /**
     * Applies a group in order; the row changes of a job's events are gathered and written as one
     * UPDATE, before the job's insert or deletion and at the end of the group.
     */
    @Override
    public void process(PooledSession session, List<EventEnvelope<JobEvent>> envelopes) throws Exception {
      session.withConnection(c -> {
        Map<String, JobReadModel.RowChange> changes = new LinkedHashMap<>();
        for (EventEnvelope<JobEvent> envelope : envelopes) {
          String jobId = envelope.persistenceId().substring(envelope.persistenceId().indexOf('|') + 1);
          JobReadModel.RowChange change = changes.computeIfAbsent(jobId, JobReadModel.RowChange::new);
          if (changeRow(change, envelope.event(), envelope.sequenceNr())) continue;
          // Only the job's insert and deletion need its row's changes before them. A task's
          // events do not touch the job's row (TaskCreated writes the task's own), so the job's
          // changes go on gathering across them: one UPDATE for a job whose start and end share
          // a group, not one before its task's start and one at the end.
          if (envelope.event() instanceof JobSubmitted || envelope.event() instanceof JobDeleted) change.write(c);
          apply(c, jobId, envelope.event(), envelope.sequenceNr());
        }
        for (JobReadModel.RowChange change : changes.values()) change.write(c);
        return null;
      });
      if (metrics != null && !envelopes.isEmpty()) {
        metrics.projectionLag("jobs", envelopes.get(envelopes.size() - 1).timestamp());
      }
    }

    /**
     * Applies event {@code seqNr} of job {@code jobId}; a row that already shows it (or a later one) stays.
     * Of the events applied here, only JobSubmitted and JobDeleted touch the job's row: {@link #process}
     * writes the job's gathered changes before those alone. An event that came to touch the row here
     * would have to be added there.
     */
    void apply(Connection c, String jobId, JobEvent event, long seqNr) throws SQLException {
      JobReadModel.RowChange change = new JobReadModel.RowChange(jobId);
      if (changeRow(change, event, seqNr)) {
        change.write(c);
      } else if (event instanceof JobSubmitted e) {
        var spec = e.spec();
        Set<String> secrets = redactor.secretValues(spec);
        JobSummary s = new JobSummary(jobId, e.createdBy(), e.parentId(), redactor.redactMap(spec.inputs(), secrets),
            Redactor.redactValues(spec.name(), secrets), spec.description(), spec.tags(),
            JobState.PENDING, e.at(), null, null, null, 0, JobSummary.nonZero(spec.tasks().size()), null, null, null,
            e.schedule());
        JobReadModel.insertJob(c, s, null, spec.tags(), spec.permissions(), seqNr);
      } else if (event instanceof JobDeleted) {
        JobReadModel.deleted(c, jobId);
      } else if (event instanceof TaskCreated e) {
        JobReadModel.taskCreated(c, e.task().id(), jobId, e.task().position(), e.task().createdAt());
      }
    }

    /** Adds what {@code event} changes in its job's row to {@code change}; false if it is not such a change. */
    private static boolean changeRow(JobReadModel.RowChange change, JobEvent event, long seqNr) {
      if (event instanceof JobStarted e) {
        change.started(e.at(), seqNr);
      } else if (event instanceof JobRunning) {
        change.state(JobState.RUNNING, seqNr);
      } else if (event instanceof JobAdvanced e) {
        change.advanced(e.position(), e.progress(), seqNr);
      } else if (event instanceof TaskProgressed e) {
        change.progress(e.jobProgress(), seqNr);
      } else if (event instanceof JobCompleted e) {
        change.completed(e.result(), e.at(), e.deleteAt(), seqNr);
      } else if (event instanceof JobFailed e) {
        change.failed(e.error(), e.at(), seqNr);
      } else if (event instanceof JobCancelled) {
        change.state(JobState.CANCELLED, seqNr);
      } else if (event instanceof JobRestarted) {
        change.restarted(seqNr);
      } else {
        return false;
      }
      return true;
    }
  }

  /** A pooled connection with auto-commit off, so the event and its offset commit together. */
  static final class PooledSession implements JdbcSession {
    private final Connection connection;

    PooledSession(Database db) {
      try {
        connection = db.connection();
        connection.setAutoCommit(false);
      } catch (SQLException e) {
        throw new IllegalStateException("jobs projection: no database connection: " + e.getMessage(), e);
      }
    }

    @Override
    public <R> R withConnection(Function<Connection, R> func) throws Exception {
      return func.apply(connection);
    }

    @Override
    public void commit() throws SQLException {
      connection.commit();
    }

    @Override
    public void rollback() throws SQLException {
      connection.rollback();
    }

    @Override
    public void close() throws SQLException {
      connection.close();
    }
  }
}
