package io.jtork.journal;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.jtork.job.JobEntity;
import io.jtork.model.UserRef;
import io.jtork.node.JtorkNode;
import io.jtork.spec.JobSpecReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.persistence.jdbc.config.JournalConfig;
import org.apache.pekko.persistence.jdbc.db.SlickDatabase;
import org.apache.pekko.persistence.jdbc.db.SlickExtension;
import org.apache.pekko.persistence.jdbc.db.SlickExtensionImpl;
import org.apache.pekko.persistence.jdbc.journal.dao.DefaultJournalDao;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.stream.Materializer;
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
    try (JtorkNode node = JtorkNode.start(ConfigFactory.parseString("jtork.data-dir = \"" + dir + "\"\n"
        + "jtork.runtime.type = shell\n").withFallback(ConfigFactory.load()))) {
      Config config = node.system().settings().config();
      assertThat(config.getString("jdbc-journal.dao")).isEqualTo(TailJournalDao.class.getName());
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

      var classic = org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(node.system());
      Config journal = config.getConfig("jdbc-journal");
      SlickDatabase db = ((SlickExtensionImpl) SlickExtension.get(classic)).database(journal);
      JournalConfig journalConfig = new JournalConfig(journal);
      TailJournalDao tail = new TailJournalDao(db.database(), db.profile(), journalConfig,
          SerializationExtension.get(classic), classic.dispatcher(), Materializer.matFromSystem(classic));
      DefaultJournalDao library = new DefaultJournalDao(db.database(), db.profile(), journalConfig,
          SerializationExtension.get(classic), classic.dispatcher(), Materializer.matFromSystem(classic));

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
