package io.jtork.journal;

import static io.jtork.journal.JournalTable.quote;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.NotUsed;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.persistence.jdbc.PekkoSerialization$;
import org.apache.pekko.persistence.jdbc.config.EventJournalTableColumnNames;
import org.apache.pekko.persistence.jdbc.config.EventJournalTableConfiguration;
import org.apache.pekko.persistence.jdbc.config.ReadJournalConfig;
import org.apache.pekko.persistence.jdbc.journal.dao.JournalTables;
import org.apache.pekko.persistence.jdbc.query.dao.DefaultReadJournalDao;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.scaladsl.Source;
import scala.Option;
import scala.Tuple3;
import scala.collection.immutable.Set;
import scala.concurrent.ExecutionContext;
import scala.util.Try;
import slick.jdbc.JdbcBackend;
import slick.jdbc.JdbcProfile;

/**
 * pekko-persistence-jdbc's read journal, but {@code eventsByTag} reads the journal alone: a tag
 * is the entity type, the part of the persistence id before '|' (as the {@code event_type_tag}
 * view of migration V4 says, which PostgreSQL keeps using). The library joins the journal with
 * that view, and H2 runs the view's query once per event of the range it reads; a projection
 * catching up on a tag with few events (scheduled jobs, behind the jobs' events) read a range of
 * 40,000 events in 1.3 s, at every node start. Filtering each row by its persistence id takes
 * 0.5 s for the same range, and a poll of the jobs projection half of its time. Rows are read and
 * turned into events as the library does ({@code PekkoSerialization.fromRow}); the library
 * streams them, this reads at most {@code max} of them (the read journal's max-buffer-size) at once.
 */
public class EntityTypeReadJournalDao extends DefaultReadJournalDao {
  private final Serialization serialization;
  /** The events of one entity type in a range of orderings: those whose persistence id is LIKE the parameter. */
  private final String typed;
  /** The same for the empty tag: the persistence ids without '|' (NOT LIKE {@code %|%}). */
  private final String untyped;

  public EntityTypeReadJournalDao(JdbcBackend.JdbcDatabaseDef db, JdbcProfile profile, ReadJournalConfig config,
      Serialization serialization, ExecutionContext ec, Materializer mat) {
    super(db, profile, config, serialization, ec, mat);
    this.serialization = serialization;
    EventJournalTableConfiguration table = config.eventJournalTableConfiguration();
    EventJournalTableColumnNames c = table.columnNames();
    String select = "SELECT " + String.join(", ", quote(c.ordering()), quote(c.deleted()), quote(c.persistenceId()),
        quote(c.sequenceNumber()), quote(c.writer()), quote(c.writeTimestamp()), quote(c.adapterManifest()),
        quote(c.eventPayload()), quote(c.eventSerId()), quote(c.eventSerManifest()), quote(c.metaPayload()),
        quote(c.metaSerId()), quote(c.metaSerManifest())) + " FROM " + JournalTable.name(table)
        + " WHERE " + quote(c.deleted()) + " = FALSE AND " + quote(c.ordering()) + " > ? AND " + quote(c.ordering())
        + " <= ? AND " + quote(c.persistenceId());
    String rest = " LIKE ? ESCAPE '\\' ORDER BY " + quote(c.ordering()) + " LIMIT ?";
    this.typed = select + rest;
    this.untyped = select + " NOT" + rest;
  }

  /**
   * The LIKE pattern of the persistence ids of entity type {@code tag}, as the view tags them:
   * those that start with {@code tag|}; for the empty tag (with {@link #untyped}), those with '|'.
   */
  static String pattern(String tag) {
    return tag.isEmpty() ? "%|%" : tag.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "|%";
  }

  @Override
  public Source<Try<Tuple3<PersistentRepr, Set<String>, Object>>, NotUsed> eventsByTag(String tag, long offset,
      long maxOffset, long max) {
    if (tag.contains("|")) return Source.empty(); // the view's tag is the part before the first '|'
    long limit = correctMaxForH2Driver(max);
    Executor io = db().ioExecutionContext()::execute;
    Set<String> noTags = scala.collection.immutable.Set$.MODULE$.empty();
    CompletableFuture<List<Try<Tuple3<PersistentRepr, Set<String>, Object>>>> events =
        CompletableFuture.supplyAsync(() -> rows(tag, offset, maxOffset, limit), io).thenApply(rows -> {
          List<Try<Tuple3<PersistentRepr, Set<String>, Object>>> out = new ArrayList<>(rows.size());
          for (JournalTables.JournalPekkoSerializationRow row : rows) {
            out.add(PekkoSerialization$.MODULE$.fromRow(serialization, row)
                .map(r -> new Tuple3<>(r._1(), noTags, (Object) r._2())));
          }
          return out;
        });
    return org.apache.pekko.stream.javadsl.Source.completionStage(events)
        .mapConcat(list -> list).asScala();
  }

  /** The events of entity type {@code tag} after {@code offset} up to {@code maxOffset}, at most {@code limit}. */
  List<JournalTables.JournalPekkoSerializationRow> rows(String tag, long offset, long maxOffset, long limit) {
    try (Connection c = db().source().createConnection();
        PreparedStatement ps = c.prepareStatement(tag.isEmpty() ? untyped : typed)) {
      ps.setLong(1, offset);
      ps.setLong(2, maxOffset);
      ps.setString(3, pattern(tag));
      ps.setLong(4, limit);
      List<JournalTables.JournalPekkoSerializationRow> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          int metaSerId = rs.getInt(12);
          Option<Object> meta = rs.wasNull() ? Option.empty() : Option.apply(metaSerId);
          out.add(new JournalTables.JournalPekkoSerializationRow(rs.getLong(1), rs.getBoolean(2), rs.getString(3),
              rs.getLong(4), rs.getString(5), rs.getLong(6), rs.getString(7), rs.getBytes(8), rs.getInt(9),
              rs.getString(10), Option.apply(rs.getBytes(11)), meta, Option.apply(rs.getString(13))));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new IllegalStateException("could not read the events of " + tag + " after " + offset + ": "
          + e.getMessage(), e);
    }
  }
}
