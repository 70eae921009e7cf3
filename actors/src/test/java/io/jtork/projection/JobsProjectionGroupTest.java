package io.jtork.projection;

import static org.assertj.core.api.Assertions.assertThat;

import io.jtork.event.JobAdvanced;
import io.jtork.event.JobCompleted;
import io.jtork.event.JobDeleted;
import io.jtork.event.JobEvent;
import io.jtork.event.JobRunning;
import io.jtork.event.JobStarted;
import io.jtork.event.TaskCompleted;
import io.jtork.event.TaskStarted;
import io.jtork.model.JobState;
import io.jtork.model.JobSummary;
import io.jtork.model.UserRef;
import io.jtork.redact.Redactor;
import io.jtork.store.Database;
import io.jtork.store.DatabaseSettings;
import io.jtork.store.JobReadModel;
import io.jtork.store.Migrations;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.pekko.persistence.query.Sequence;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jobs projection's handler on a group of events, on H2 with its statements counted
 * ({@code QUERY_STATISTICS}): a job's row changes are gathered into one UPDATE across its task's
 * events, and the row ends as the events leave it, with or without the API's write in between.
 */
class JobsProjectionGroupTest {
  private static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");

  @TempDir
  Path dir;
  private Database db;
  private final JobsProjection.Handler handler = new JobsProjection.Handler(new Redactor(List.of()));
  private long ordering;

  @BeforeEach
  void open() throws Exception {
    DatabaseSettings settings = new DatabaseSettings(DatabaseSettings.Kind.H2, DatabaseSettings.h2Url(dir), "sa", "", 2);
    Migrations.migrate(settings);
    db = Database.open(settings, "projection-group-test");
    try (Connection c = db.connection(); Statement st = c.createStatement()) {
      st.execute("SET QUERY_STATISTICS TRUE");
    }
  }

  @AfterEach
  void close() {
    db.close();
  }

  @Test
  void aJobsStartAndEndAcrossItsTasksEventsAreOneUpdate() throws Exception {
    String id = submitted();
    long before = updatesOfJobs();
    process(id, 2, new JobStarted(T0), new JobRunning(T0), new TaskStarted("t1", 1, "n1", "w1", T0),
        new TaskCompleted("t1", "x", T0.plusSeconds(1)), new JobAdvanced(1, 100.0, null, null, T0.plusSeconds(1)),
        new JobCompleted("x", null, T0.plusSeconds(1)));

    assertThat(updatesOfJobs() - before).isEqualTo(1);
    JobSummary row = row(id);
    assertThat(row.state()).isEqualTo(JobState.COMPLETED);
    assertThat(row.startedAt()).isEqualTo(T0);
    assertThat(row.completedAt()).isEqualTo(T0.plusSeconds(1));
    assertThat(row.result()).isEqualTo("x");
    assertThat(row.progress()).isEqualTo(100.0);
  }

  @Test
  void aDeletionAfterChangesInTheSameGroupLeavesNoRow() throws Exception {
    String id = submitted();
    process(id, 2, new JobStarted(T0), new TaskStarted("t1", 1, "n1", "w1", T0), new JobDeleted("guest", "test", T0));

    assertThat(row(id)).isNull();
  }

  /**
   * The API wrote the row as the entity had it after event 4, in the middle of the group: the
   * group's one UPDATE leaves the row as a job's whose group met no such write.
   */
  @Test
  void aWriteThroughInTheMiddleOfTheGroupEndsAsTheGroupAlone() throws Exception {
    String alone = submitted();
    String written = submitted();
    JobSummary atFour = new JobSummary(written, UserRef.GUEST, null, null, "group " + written, null, List.of(),
        JobState.RUNNING, T0, T0, null, null, 0, 1, null, null, null, null);
    new JobReadModel(db).writeThrough(List.of(new JobReadModel.RowWrite(atFour, null, List.of(), List.of(), 4)));
    for (String id : List.of(alone, written)) {
      process(id, 2, new JobStarted(T0), new JobRunning(T0), new TaskStarted("t1", 1, "n1", "w1", T0),
          new TaskCompleted("t1", "x", T0.plusSeconds(1)), new JobAdvanced(1, 100.0, null, null, T0.plusSeconds(1)),
          new JobCompleted("x", null, T0.plusSeconds(1)));
    }

    assertThat(row(written)).usingRecursiveComparison().ignoringFields("id", "name").isEqualTo(row(alone));
    assertThat(row(written).state()).isEqualTo(JobState.COMPLETED);
  }

  private JobSummary row(String id) throws Exception {
    return new JobReadModel(db).list(1, 10, "group " + id).items().stream().filter(j -> j.id().equals(id))
        .findFirst().orElse(null);
  }

  /** A job's row as the API writes it at submission (its first event). */
  private String submitted() throws Exception {
    String id = UUID.randomUUID().toString().replace("-", "");
    JobSummary s = new JobSummary(id, UserRef.GUEST, null, null, "group " + id, null, List.of(), JobState.PENDING, T0,
        null, null, null, 0, 1, null, null, null, null);
    try (Connection c = db.connection()) {
      JobReadModel.insertJob(c, s, null, List.of(), List.of(), 1);
    }
    return id;
  }

  /** Applies {@code events} of job {@code id} from sequence number {@code from} on, as one group. */
  private void process(String id, long from, JobEvent... events) throws Exception {
    List<EventEnvelope<JobEvent>> group = new ArrayList<>();
    long seqNr = from;
    for (JobEvent e : events) {
      group.add(EventEnvelope.create(Sequence.apply(++ordering), "Job|" + id, seqNr++, e, T0.toEpochMilli()));
    }
    JobsProjection.PooledSession session = new JobsProjection.PooledSession(db);
    try {
      handler.process(session, group);
      session.commit();
    } finally {
      session.close();
    }
  }

  private long updatesOfJobs() throws Exception {
    try (Connection c = db.connection(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT COALESCE(SUM(EXECUTION_COUNT), 0) FROM INFORMATION_SCHEMA.QUERY_STATISTICS"
            + " WHERE SQL_STATEMENT LIKE 'UPDATE jobs SET%'")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
