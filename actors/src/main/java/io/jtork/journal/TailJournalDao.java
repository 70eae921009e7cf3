package io.jtork.journal;

import static io.jtork.journal.JournalTable.quote;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.apache.pekko.persistence.jdbc.config.EventJournalTableConfiguration;
import org.apache.pekko.persistence.jdbc.config.JournalConfig;
import org.apache.pekko.persistence.jdbc.journal.dao.DefaultJournalDao;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.stream.Materializer;
import scala.concurrent.ExecutionContext;
import scala.concurrent.Future;
import slick.jdbc.JdbcBackend;
import slick.jdbc.JdbcProfile;

/**
 * pekko-persistence-jdbc's journal, but the highest sequence number of an entity is looked for
 * from where its recovery starts. Pekko passes that point (the snapshot's sequence number, or 0)
 * as {@code fromSequenceNr}, and the library's query ignores it: it orders all of the entity's
 * events inside a derived table, which H2 does by reading every one of them (270 ms for a job of
 * 40,000 events, on each recovery). Over the primary key's range from that point, it reads the
 * events after the snapshot. When there is none there (events deleted up to it), the library's
 * query answers, so the result is always the library's. PostgreSQL answers the library's query
 * from its index backwards, so this is configured for H2 only ({@code conf/persistence-h2.conf}).
 */
public class TailJournalDao extends DefaultJournalDao {
  private final String sql;

  public TailJournalDao(JdbcBackend.JdbcDatabaseDef db, JdbcProfile profile, JournalConfig journalConfig,
      Serialization serialization, ExecutionContext ec, Materializer mat) {
    super(db, profile, journalConfig, serialization, ec, mat);
    EventJournalTableConfiguration table = journalConfig.eventJournalTableConfiguration();
    String seqNr = quote(table.columnNames().sequenceNumber());
    this.sql = "SELECT MAX(" + seqNr + ") FROM " + JournalTable.name(table) + " WHERE "
        + quote(table.columnNames().persistenceId())
        + " = ? AND " + seqNr + " >= ?";
  }

  @Override
  public Future<Object> highestSequenceNr(String persistenceId, long fromSequenceNr) {
    if (fromSequenceNr <= 0) return super.highestSequenceNr(persistenceId, fromSequenceNr);
    return Future.<Long>apply(() -> tail(persistenceId, fromSequenceNr), db().ioExecutionContext())
        .flatMap(highest -> highest > 0 ? Future.successful((Object) highest)
            : super.highestSequenceNr(persistenceId, fromSequenceNr), ec());
  }

  /** The highest sequence number of {@code persistenceId} from {@code fromSequenceNr} on, or 0 when it has none there. */
  long tail(String persistenceId, long fromSequenceNr) {
    try (Connection c = db().source().createConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, persistenceId);
      ps.setLong(2, fromSequenceNr);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    } catch (SQLException e) {
      throw new IllegalStateException("could not read the highest sequence number of " + persistenceId + ": "
          + e.getMessage(), e);
    }
  }
}
