package io.jtork.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.jtork.model.UserRef;
import io.jtork.node.JtorkNode;
import io.jtork.spec.BindPolicy;
import io.jtork.spec.JobSpecReader;
import io.jtork.spec.JobSpecValidator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.persistence.jdbc.config.ReadJournalConfig;
import org.apache.pekko.persistence.jdbc.db.SlickDatabase;
import org.apache.pekko.persistence.jdbc.query.dao.DefaultReadJournalDao;
import org.apache.pekko.stream.Materializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On a real node and its journal, on H2 and on PostgreSQL: the read journal's DAO is an
 * {@link EntityTypeReadJournalDao}, and {@code eventsByTag} answers as the library's DAO over the
 * {@code event_type_tag} view does, for each entity type, range and limit.
 */
class EntityTypeReadJournalDaoTest {
  @TempDir Path dir;

  @Test
  void readsEachEntityTypesEventsAsTheLibraryDoesOverTheView() throws Exception {
    try (JournalTestNode n = new JournalTestNode(dir)) {
      readsAsTheLibrary(n, true);
    }
  }

  @Test
  void readsEachEntityTypesEventsAsTheLibraryDoesOnPostgres() throws Exception {
    try (JournalTestNode n = JournalTestNode.postgres(dir)) {
      readsAsTheLibrary(n, false);
    }
  }

  /**
   * On PostgreSQL the driver prepares a statement on the server at its fifth execution on a
   * connection, and the server may then keep one plan for every later read, made for the journal
   * as it was. The DAO's reads are never prepared there, so each is planned with its own range.
   */
  @Test
  void onPostgresEachReadIsPlannedWithItsParameters() throws Exception {
    try (JournalTestNode n = JournalTestNode.postgres(dir)) {
      SlickDatabase db = n.db("jdbc-read-journal");
      var dao = new EntityTypeReadJournalDao(db.database(), db.profile(),
          new ReadJournalConfig(n.plugin("jdbc-read-journal")), n.serialization(), n.ec(), n.mat());
      // a connection of the pool the DAO reads through in the node (Slick's)
      try (var c = db.database().source().createConnection()) {
        for (int i = 0; i < 10; i++) dao.rows(c, "Job", 0, 1_000_000, 100);
        assertThat(serverPrepared(c, "event_journal")).as("the DAO's reads prepared on the server").isZero();
        // the same read without it is prepared there: what the assertion above would see
        String sql = "SELECT ordering FROM event_journal WHERE ordering > ? ORDER BY ordering LIMIT 1";
        for (int i = 0; i < 10; i++) {
          try (var ps = c.prepareStatement(sql)) {
            ps.setLong(1, 0);
            ps.executeQuery().close();
          }
        }
        assertThat(serverPrepared(c, "event_journal")).as("a plain statement prepared on the server").isOne();
      }
    }
  }

  /** The statements of {@code c}'s session prepared on the server that name {@code table}. */
  private static long serverPrepared(java.sql.Connection c, String table) throws Exception {
    try (var ps = c.prepareStatement("SELECT COUNT(*) FROM pg_prepared_statements WHERE statement LIKE ?")) {
      ps.setString(1, "%" + table + "%");
      try (var rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static void readsAsTheLibrary(JournalTestNode n, boolean h2) throws Exception {
    JtorkNode node = n.node;
    assertThat(n.plugin("jdbc-read-journal").getString("dao")).isEqualTo(EntityTypeReadJournalDao.class.getName());
    // jobs, and two schedules firing every second between them
    var scheduled = JobSpecValidator.parseScheduled("name: every second\nschedule: {cron: \"* * * * * *\"}\n"
        + "tasks:\n- name: t\n  run: \"true\"\n", JobSpecReader.Format.YAML, node.expressions(), BindPolicy.DENY);
    node.scheduledJobs().create("s1", scheduled, UserRef.GUEST).toCompletableFuture().get(10, TimeUnit.SECONDS);
    // a second one, so that the order of the persistence ids is not the order of the events
    node.scheduledJobs().create("s0", scheduled, UserRef.GUEST).toCompletableFuture().get(10, TimeUnit.SECONDS);
    for (int i = 0; i < 3; i++) {
      node.jobs().submit(JobSpecReader.readJob("name: j\ntasks:\n- {name: a, run: \"true\"}\n",
          JobSpecReader.Format.YAML), UserRef.GUEST).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> count(node, "ScheduledJob|%") >= 5);
    node.scheduledJobs().delete("s1", "test").toCompletableFuture().get(10, TimeUnit.SECONDS);
    node.scheduledJobs().delete("s0", "test").toCompletableFuture().get(10, TimeUnit.SECONDS);
    // the journal at rest (the jobs the schedules fired have ended), so both DAOs read the same ranges
    long[] seen = {-1};
    Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).until(() -> {
      long now = ordering(node, "%");
      boolean still = now == seen[0];
      seen[0] = now;
      return still;
    });

    SlickDatabase db = n.db("jdbc-read-journal");
    ReadJournalConfig readConfig = new ReadJournalConfig(n.plugin("jdbc-read-journal"));
    var mine = new EntityTypeReadJournalDao(db.database(), db.profile(), readConfig, n.serialization(), n.ec(),
        n.mat());
    // counting each type's events first from any range on: ScheduledJob's are read through the
    // persistence-id index, Job's (with a limit of 1) in order
    var counting = new EntityTypeReadJournalDao(db.database(), db.profile(), readConfig, n.serialization(), n.ec(),
        n.mat(), 0);
    var library = new DefaultReadJournalDao(db.database(), db.profile(), readConfig, n.serialization(), n.ec(),
        n.mat());
    Materializer mat = n.mat();

    long last = ordering(node, "%");
    for (String tag : List.of("Job", "ScheduledJob", "Task", "Sched_led%Job", "", "Job|x")) {
      for (long[] range : new long[][] {{0, last, 10_000}, {0, last, 3}, {2, last - 2, 5}, {last, last + 10, 10},
          {0, last, Long.MAX_VALUE}}) {
        List<String> expected = events(library, mat, tag, range);
        assertThat(events(mine, mat, tag, range)).as("%s %s", tag, java.util.Arrays.toString(range))
            .isEqualTo(expected);
        assertThat(events(counting, mat, tag, range)).as("counting %s %s", tag, java.util.Arrays.toString(range))
            .isEqualTo(expected);
        if (tag.equals("ScheduledJob") && range[2] == 10_000) assertThat(expected).hasSizeGreaterThan(4);
        if (tag.equals("Job") && range[2] == 10_000) assertThat(expected).hasSizeGreaterThan(9);
      }
    }
    try (var c = node.database().connection()) {
      // on PostgreSQL it never counts first: that reads through an index H2's way (USE INDEX)
      assertThat(counting.fewEvents(c, "ScheduledJob", last, 10_000)).isEqualTo(h2);
      assertThat(counting.fewEvents(c, "Job", last, 1)).isFalse();
      assertThat(counting.fewEvents(c, "NoSuchType", last, 1)).isEqualTo(h2);
      assertThat(mine.fewEvents(c, "ScheduledJob", last, 10_000)).as("range below %d",
          EntityTypeReadJournalDao.MIN_COUNTED_RANGE).isFalse();
    }
  }

  /** The events of {@code tag} in {@code range} (after, up to, at most) as ordering, persistence id, sequence number and event. */
  private static List<String> events(DefaultReadJournalDao dao, Materializer mat, String tag, long[] range)
      throws Exception {
    return dao.eventsByTag(tag, range[0], range[1], range[2]).asJava()
        .map(t -> t.get()._3() + " " + t.get()._1().persistenceId() + " " + t.get()._1().sequenceNr() + " "
            + t.get()._1().payload() + " " + t.get()._2())
        .runWith(org.apache.pekko.stream.javadsl.Sink.seq(), mat).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** The highest ordering of the persistence ids like {@code pattern}. */
  private static long ordering(JtorkNode node, String pattern) throws Exception {
    return query(node, "SELECT COALESCE(MAX(ordering), 0) FROM event_journal WHERE persistence_id LIKE ?", pattern);
  }

  /** How many events the persistence ids like {@code pattern} have. */
  private static long count(JtorkNode node, String pattern) throws Exception {
    return query(node, "SELECT COUNT(*) FROM event_journal WHERE persistence_id LIKE ?", pattern);
  }

  private static long query(JtorkNode node, String sql, String pattern) throws Exception {
    try (var c = node.database().connection(); var ps = c.prepareStatement(sql)) {
      ps.setString(1, pattern);
      try (var rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
