package io.jtork.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.jtork.job.JobEntity;
import io.jtork.model.UserRef;
import io.jtork.node.JtorkNode;
import io.jtork.spec.JobSpecReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.persistence.jdbc.config.JournalConfig;
import org.apache.pekko.persistence.jdbc.db.SlickDatabase;
import org.apache.pekko.persistence.jdbc.journal.dao.DefaultJournalDao;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.concurrent.Await;
import scala.concurrent.Future;

/**
 * On a real node and its H2 journal: the node's journal is a {@link TailJournalDao}, and it
 * answers the highest sequence number exactly as the library's DAO does, from any starting
 * point, also once the events are deleted up to the last.
 */
class TailJournalDaoTest {
  @TempDir Path dir;

  @Test
  void answersTheHighestSequenceNumberAsTheLibraryDoesFromAnyPoint() throws Exception {
    try (JournalTestNode n = new JournalTestNode(dir)) {
      JtorkNode node = n.node;
      assertThat(n.plugin("jdbc-journal").getString("dao")).isEqualTo(TailJournalDao.class.getName());
      var reply = node.jobs().submit(JobSpecReader.readJob("""
          name: three steps
          tasks:
          - {name: a, run: "true"}
          - {name: b, run: "true"}
          - {name: c, run: "true"}
          """, JobSpecReader.Format.YAML), UserRef.GUEST).toCompletableFuture().get(10, TimeUnit.SECONDS);
      String id = ((JobEntity.Ok) reply).job().id();
      Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> ((JobEntity.Ok) node.jobs().get(id)
          .toCompletableFuture().get(10, TimeUnit.SECONDS)).job().state().isTerminal());
      String pid = "Job|" + id;

      SlickDatabase db = n.db("jdbc-journal");
      JournalConfig journalConfig = new JournalConfig(n.plugin("jdbc-journal"));
      TailJournalDao tail = new TailJournalDao(db.database(), db.profile(), journalConfig, n.serialization(), n.ec(),
          n.mat());
      DefaultJournalDao library = new DefaultJournalDao(db.database(), db.profile(), journalConfig, n.serialization(),
          n.ec(), n.mat());

      long last = highest(library, pid, 0);
      assertThat(last).isGreaterThan(6);
      for (long from : new long[] {0, 1, 2, last / 2, last - 1, last, last + 1, last + 100}) {
        assertThat(highest(tail, pid, from)).as("from %d", from).isEqualTo(last);
      }
      // from a point on, its own query answers; past the last event the library's does
      assertThat(tail.tail(pid, last / 2)).isEqualTo(last);
      assertThat(tail.tail(pid, last + 1)).isZero();
      assertThat(highest(tail, "Job|none", 5)).isEqualTo(highest(library, "Job|none", 5)).isZero();

      // Deleted up to the last: the library keeps only the last row, marked deleted.
      Await.result(library.delete(pid, last), scala.concurrent.duration.Duration.create(10, TimeUnit.SECONDS));
      for (long from : new long[] {0, 1, last - 1, last, last + 1}) {
        assertThat(highest(tail, pid, from)).as("deleted, from %d", from).isEqualTo(last);
      }
    }
  }

  private static long highest(DefaultJournalDao dao, String pid, long from) throws Exception {
    Future<Object> f = dao.highestSequenceNr(pid, from);
    return (Long) Await.result(f, scala.concurrent.duration.Duration.create(10, TimeUnit.SECONDS));
  }
}
