package io.jtork.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.jtork.model.JobState;
import io.jtork.model.JobSummary;
import io.jtork.model.ScheduledJobState;
import io.jtork.model.ScheduledJobSummary;
import io.jtork.model.UserRef;
import io.jtork.spec.PermissionSpec;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The API's write of a row (read your writes) and the projection's writes of the same row, in
 * either order, on a real H2 and a real PostgreSQL: whichever shows the newer event wins, and a
 * row inserted by both at once is inserted once, with neither transaction broken.
 */
class ReadModelVersionsTest {
  @TempDir static Path dir;

  static Stream<String> databases() {
    return EmptyDatabase.kinds();
  }

  /** A migrated database of {@code kind}, new for the test, with a pool; dropped when closed. */
  private static final class TestDb implements AutoCloseable {
    final EmptyDatabase empty;
    final Database db;

    TestDb(String kind) throws Exception {
      empty = EmptyDatabase.create(kind, dir);
      Migrations.migrate(empty.settings());
      db = Database.open(empty.settings(), "read-model-test");
    }

    /** Waits until a session of this database waits for another's lock (the second insert of one row). */
    void awaitOneBlocked() {
      String sql = empty.settings().kind() == DatabaseSettings.Kind.H2
          // H2 shows a session waiting for a row lock as still executing its statement
          ? "SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS WHERE EXECUTING_STATEMENT LIKE 'INSERT INTO %'"
          : "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'";
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> {
        try (Connection c = db.connection(); Statement st = c.createStatement(); var rs = st.executeQuery(sql)) {
          rs.next();
          return rs.getInt(1) > 0;
        }
      });
    }

    Connection transaction() throws Exception {
      Connection c = db.connection();
      c.setAutoCommit(false);
      return c;
    }

    @Override
    public void close() throws Exception {
      db.close();
      empty.close();
    }
  }

  private static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");

  private static JobSummary summary(String id, JobState state, int position, String error) {
    return new JobSummary(id, UserRef.GUEST, null, null, "versions " + id, null, List.of("t"), state, T0,
        T0.plusSeconds(1), null, state == JobState.FAILED ? T0.plusSeconds(5) : null, position, 3, null, error, 33.33,
        null);
  }

  /** The API's write-through of one row. */
  private static void writeThrough(Database db, JobSummary s, Instant deleteAt, List<String> tags,
      List<PermissionSpec> permissions, long seqNr) throws Exception {
    new JobReadModel(db).writeThrough(List.of(new JobReadModel.RowWrite(s, deleteAt, tags, permissions, seqNr)));
  }

  private static JobSummary listed(Database db, String id) throws Exception {
    return new JobReadModel(db).list(1, 10, "versions " + id).items().stream().filter(j -> j.id().equals(id))
        .findFirst().orElse(null);
  }

  @ParameterizedTest
  @MethodSource("databases")
  void aProjectionBehindTheApisWriteNeitherRepeatsNorUndoesIt(String kind) throws Exception {
    try (TestDb t = new TestDb(kind)) {
      String id = UUID.randomUUID().toString().replace("-", "");
      // The API: the job cancelled, as its entity had it after event 9.
      writeThrough(t.db, summary(id, JobState.CANCELLED, 2, null), null, List.of("t"), List.of(), 9);
      // The projection, behind, applies events 1 to 8 and then a newer one, 10.
      try (Connection c = t.transaction()) {
        assertThat(JobReadModel.insertJob(c, summary(id, JobState.PENDING, 0, null), null, List.of("t"), List.of(), 1))
            .isFalse();
        new JobReadModel.RowChange(id).started(T0, 2).write(c);
        new JobReadModel.RowChange(id).state(JobState.RUNNING, 4).write(c);
        new JobReadModel.RowChange(id).advanced(2, 33.33, 6).write(c);
        c.commit();
      }
      JobSummary row = listed(t.db, id);
      assertThat(row.state()).isEqualTo(JobState.CANCELLED);
      assertThat(row.tags()).containsExactly("t");
      try (Connection c = t.transaction()) {
        new JobReadModel.RowChange(id).restarted(10).write(c);
        c.commit();
      }
      assertThat(listed(t.db, id).state()).isEqualTo(JobState.RUNNING);
    }
  }

  /**
   * A projection's group gathers a job's row changes into one UPDATE ({@link JobReadModel.RowChange}):
   * whether the row showed none of the group's events or the API had written it at one of them,
   * it ends as the events applied one by one leave it.
   */
  @ParameterizedTest
  @MethodSource("databases")
  void aJobsChangesGatheredInOneUpdateEndAsTheEventsOneByOne(String kind) throws Exception {
    try (TestDb t = new TestDb(kind)) {
      for (long writtenAt : new long[] {0, 3, 5}) {
        String oneByOne = UUID.randomUUID().toString().replace("-", "");
        String gathered = UUID.randomUUID().toString().replace("-", "");
        try (Connection c = t.transaction()) {
          for (String id : List.of(oneByOne, gathered)) {
            JobReadModel.insertJob(c, summary(id, JobState.PENDING, 0, null), null, List.of("t"), List.of(), 1);
          }
          c.commit();
        }
        if (writtenAt > 0) {
          // The API's write-through of the row as the entity had it after event writtenAt, both rows in one batch.
          boolean failed = writtenAt == 5;
          List<JobReadModel.RowWrite> rows = new java.util.ArrayList<>();
          for (String id : List.of(oneByOne, gathered)) {
            JobSummary at = new JobSummary(id, UserRef.GUEST, null, null, "versions " + id, null, List.of("t"),
                failed ? JobState.FAILED : JobState.RUNNING, T0, T0, null, failed ? T0.plusSeconds(5) : null,
                failed ? 2 : 1, 3, null, failed ? "boom" : null, failed ? 50.0 : 33.33, null);
            rows.add(new JobReadModel.RowWrite(at, null, List.of("t"), List.of(), writtenAt));
          }
          new JobReadModel(t.db).writeThrough(rows);
          assertThat(listed(t.db, gathered).state()).isEqualTo(failed ? JobState.FAILED : JobState.RUNNING);
        }
        try (Connection c = t.transaction()) {
          new JobReadModel.RowChange(oneByOne).started(T0, 2).write(c);
          new JobReadModel.RowChange(oneByOne).state(JobState.RUNNING, 3).write(c);
          new JobReadModel.RowChange(oneByOne).advanced(2, 50.0, 4).write(c);
          new JobReadModel.RowChange(oneByOne).failed("boom", T0.plusSeconds(5), 5).write(c);
          new JobReadModel.RowChange(oneByOne).restarted(6).write(c);
          new JobReadModel.RowChange(oneByOne).completed("done", T0.plusSeconds(9), null, 7).write(c);
          new JobReadModel.RowChange(gathered).started(T0, 2).state(JobState.RUNNING, 3).advanced(2, 50.0, 4)
              .failed("boom", T0.plusSeconds(5), 5).restarted(6).completed("done", T0.plusSeconds(9), null, 7).write(c);
          c.commit();
        }
        JobSummary expected = listed(t.db, oneByOne);
        assertThat(expected.state()).isEqualTo(JobState.COMPLETED);
        assertThat(expected.error()).isNull();
        assertThat(listed(t.db, gathered)).as("written at %d", writtenAt).usingRecursiveComparison()
            .ignoringFields("id", "name").isEqualTo(expected);
      }
    }
  }

  @ParameterizedTest
  @MethodSource("databases")
  void theApisWriteDoesNotUndoANewerEventTheProjectionApplied(String kind) throws Exception {
    try (TestDb t = new TestDb(kind)) {
      String id = UUID.randomUUID().toString().replace("-", "");
      try (Connection c = t.transaction()) {
        JobReadModel.insertJob(c, summary(id, JobState.PENDING, 0, null), null, List.of("t"), List.of(), 1);
        new JobReadModel.RowChange(id).failed("boom", T0.plusSeconds(5), 12).write(c);
        c.commit();
      }
      writeThrough(t.db, summary(id, JobState.RUNNING, 1, null), null, List.of("t"), List.of(), 10);
      JobSummary row = listed(t.db, id);
      assertThat(row.state()).isEqualTo(JobState.FAILED);
      assertThat(row.error()).isEqualTo("boom");
    }
  }

  @ParameterizedTest
  @MethodSource("databases")
  void aRowInsertedByTheApiAndTheProjectionAtOnceIsInsertedOnceAndBreaksNeither(String kind) throws Exception {
    try (TestDb t = new TestDb(kind)) {
      String id = UUID.randomUUID().toString().replace("-", "");
      try (Connection projection = t.transaction()) {
        assertThat(JobReadModel.insertJob(projection, summary(id, JobState.PENDING, 0, null), null, List.of("t"),
            List.of(), 1)).isTrue();
        // The API's write finds no committed row, inserts, and waits for the projection's transaction.
        CompletableFuture<Void> api = CompletableFuture.runAsync(() -> {
          try {
            writeThrough(t.db, summary(id, JobState.SCHEDULED, 1, null), null, List.of("t"), List.of(), 3);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
        t.awaitOneBlocked();
        assertThat(api).as("the API's insert waits for the projection's").isNotDone();
        projection.commit();
        api.get(10, TimeUnit.SECONDS);
      }
      JobSummary row = listed(t.db, id);
      assertThat(row.state()).as("the API's row, as the newer").isEqualTo(JobState.SCHEDULED);
      assertThat(row.tags()).containsExactly("t");

      // The other way round: the projection's insert waits for the API's, then goes on with its group.
      String other = UUID.randomUUID().toString().replace("-", "");
      try (Connection api = t.transaction()) {
        assertThat(JobReadModel.insertJob(api, summary(other, JobState.SCHEDULED, 1, null), null, List.of("t"),
            List.of(), 3)).isTrue();
        CompletableFuture<Boolean> projection = CompletableFuture.supplyAsync(() -> {
          try (Connection c = t.transaction()) {
            boolean inserted = JobReadModel.insertJob(c, summary(other, JobState.PENDING, 0, null), null,
                List.of("t"), List.of(), 1);
            new JobReadModel.RowChange(other).completed("done", T0.plusSeconds(9), null, 7).write(c);
            c.commit();
            return inserted;
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
        t.awaitOneBlocked();
        assertThat(projection).isNotDone();
        api.commit();
        assertThat(projection.get(10, TimeUnit.SECONDS)).as("the projection inserted it too").isFalse();
      }
      JobSummary done = listed(t.db, other);
      assertThat(done.state()).isEqualTo(JobState.COMPLETED);
      assertThat(done.result()).isEqualTo("done");
      assertThat(done.tags()).containsExactly("t");
    }
  }

  @ParameterizedTest
  @MethodSource("databases")
  void aScheduledJobDeletedThroughTheApiLeavesTheListAndDoesNotComeBack(String kind) throws Exception {
    try (TestDb t = new TestDb(kind)) {
      ScheduledJobReadModel model = new ScheduledJobReadModel(t.db);
      String id = UUID.randomUUID().toString().replace("-", "");
      ScheduledJobSummary active = new ScheduledJobSummary(id, UserRef.GUEST, null, ScheduledJobState.ACTIVE, "s",
          null, List.of(), T0, "0 0 1 1 *");
      model.writeThrough(active, List.of(), 1);
      assertThat(model.list(1, 20).items()).extracting(ScheduledJobSummary::id).containsExactly(id);
      model.writeThrough(withState(active, ScheduledJobState.DELETED), List.of(), 3);
      assertThat(model.list(1, 20).items()).isEmpty();
      // The projection, behind, applies the creation and a pause: the deleted row stays out of the list.
      try (Connection c = t.transaction()) {
        assertThat(ScheduledJobReadModel.insert(c, active, List.of(), 1)).isFalse();
        ScheduledJobReadModel.state(c, id, ScheduledJobState.PAUSED, 2);
        c.commit();
      }
      assertThat(model.list(1, 20).items()).isEmpty();
      try (Connection c = t.transaction()) {
        ScheduledJobReadModel.delete(c, id);
        c.commit();
      }
      // A deletion written after the projection removed the row brings nothing back.
      model.writeThrough(withState(active, ScheduledJobState.DELETED), List.of(), 3);
      try (Connection c = t.db.connection(); Statement st = c.createStatement();
          var rs = st.executeQuery("SELECT COUNT(*) FROM scheduled_jobs")) {
        rs.next();
        assertThat(rs.getInt(1)).isZero();
      }
    }
  }

  private static ScheduledJobSummary withState(ScheduledJobSummary s, ScheduledJobState state) {
    return new ScheduledJobSummary(s.id(), s.createdBy(), s.inputs(), state, s.name(), s.description(), s.tags(),
        s.createdAt(), s.cron());
  }
}
