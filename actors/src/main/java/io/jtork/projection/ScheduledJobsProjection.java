package io.jtork.projection;

import io.jtork.cluster.Roles;
import io.jtork.event.ScheduledJobCreated;
import io.jtork.event.ScheduledJobDeleted;
import io.jtork.event.ScheduledJobEvent;
import io.jtork.event.ScheduledJobPaused;
import io.jtork.event.ScheduledJobResumed;
import io.jtork.metrics.JtorkMetrics;
import io.jtork.model.ScheduledJobState;
import io.jtork.model.ScheduledJobSummary;
import io.jtork.model.UserRef;
import io.jtork.redact.Redactor;
import io.jtork.scheduled.ScheduledJobEntity;
import io.jtork.spec.ScheduledJobSpec;
import io.jtork.store.Database;
import io.jtork.store.ScheduledJobReadModel;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.ShardedDaemonProcessSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ShardedDaemonProcess;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.projection.ProjectionBehavior;
import org.apache.pekko.projection.ProjectionId;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.eventsourced.javadsl.EventSourcedProvider;
import org.apache.pekko.projection.javadsl.GroupedProjection;
import org.apache.pekko.projection.jdbc.javadsl.JdbcHandler;
import org.apache.pekko.projection.jdbc.javadsl.JdbcProjection;

/** Keeps the {@code scheduled_jobs} read model (for {@code GET /scheduled-jobs}) from the journal. */
public final class ScheduledJobsProjection {
  public static final ProjectionId ID = ProjectionId.of("scheduled-jobs", ScheduledJobEntity.TAG);

  private ScheduledJobsProjection() {}

  public static void init(ActorSystem<?> system, Database db, Redactor redactor) {
    ShardedDaemonProcess.get(system).init(ProjectionBehavior.Command.class, "scheduled-jobs-projection", 1,
        i -> ProjectionBehavior.create(projection(system, db, redactor)),
        ShardedDaemonProcessSettings.create(system).withRole(Roles.COORDINATOR), Optional.of(ProjectionBehavior.stopMessage()));
  }

  static GroupedProjection<Offset, EventEnvelope<ScheduledJobEvent>> projection(ActorSystem<?> system, Database db,
      Redactor redactor) {
    return JdbcProjection.groupedWithin(ID,
            EventSourcedProvider.<ScheduledJobEvent>eventsByTag(system, JdbcReadJournal.Identifier(),
                ScheduledJobEntity.TAG),
            () -> new JobsProjection.PooledSession(db), () -> new Handler(redactor, JtorkMetrics.get(system)), system)
        .withGroup(500, Duration.ofMillis(100));
  }

  /** The read model's row of a scheduled job, its inputs redacted (the projection's and the API's write). */
  static ScheduledJobSummary row(Redactor redactor, String id, UserRef createdBy,
      ScheduledJobSpec spec, ScheduledJobState state, Instant createdAt) {
    return new ScheduledJobSummary(id, createdBy,
        redactor.redactMap(spec.inputs(), redactor.secretValues(spec.secrets(), spec.inputs())), state, spec.name(),
        spec.description(), spec.tags(), createdAt, spec.schedule().cron());
  }

  /** A group of events, applied in the projection's transaction. Fires change nothing listed. */
  static final class Handler extends JdbcHandler<List<EventEnvelope<ScheduledJobEvent>>, JobsProjection.PooledSession> {
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

    @Override
    public void process(JobsProjection.PooledSession session, List<EventEnvelope<ScheduledJobEvent>> envelopes)
        throws Exception {
      session.withConnection(c -> {
        for (EventEnvelope<ScheduledJobEvent> envelope : envelopes) {
          String id = envelope.persistenceId().substring(envelope.persistenceId().indexOf('|') + 1);
          apply(c, id, envelope.event(), envelope.sequenceNr());
        }
        return null;
      });
      if (metrics != null && !envelopes.isEmpty()) {
        metrics.projectionLag("scheduled-jobs", envelopes.get(envelopes.size() - 1).timestamp());
      }
    }

    /** Applies event {@code seqNr} of scheduled job {@code id}; a row that already shows it (or a later one) stays. */
    void apply(Connection c, String id, ScheduledJobEvent event, long seqNr) throws SQLException {
      if (event instanceof ScheduledJobCreated e) {
        var spec = e.spec();
        ScheduledJobReadModel.insert(c, row(redactor, id, e.createdBy(), spec, ScheduledJobState.ACTIVE, e.at()),
            spec.permissions(), seqNr);
      } else if (event instanceof ScheduledJobPaused) {
        ScheduledJobReadModel.state(c, id, ScheduledJobState.PAUSED, seqNr);
      } else if (event instanceof ScheduledJobResumed) {
        ScheduledJobReadModel.state(c, id, ScheduledJobState.ACTIVE, seqNr);
      } else if (event instanceof ScheduledJobDeleted) {
        ScheduledJobReadModel.delete(c, id);
      }
    }
  }
}
