package io.jtork.journal;

import static io.jtork.journal.JournalTable.quote;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
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
import org.postgresql.PGStatement;
import scala.Option;
import scala.Tuple3;
import scala.collection.immutable.Set$;
import scala.collection.immutable.Set;
import scala.concurrent.ExecutionContext;
import scala.util.Try;
import slick.jdbc.JdbcBackend;
import slick.jdbc.JdbcProfile;

/**
 * pekko-persistence-jdbc's read journal, on H2 and PostgreSQL, but {@code eventsByTag} reads the
 * journal alone: a tag is the entity type, the part of the persistence id before '|' (as the
 * {@code event_type_tag} view of migration V4 says). The library joins the journal with
 * that view, and H2 runs the view's query once per event of the range it reads; a projection
 * catching up on a tag with few events (scheduled jobs, behind the jobs' events) read a range of
 * 40,000 events in 1.3 s, at every node start. Filtering each row by its persistence id takes
 * 0.5 s for the same range, and a poll of the jobs projection half of its time. Rows are read and
 * turned into events as the library does ({@code PekkoSerialization.fromRow}); the library
 * streams them, this reads at most {@code max} of them (the read journal's max-buffer-size) at once.
 *
 * <p>Reading a range in "ordering" order costs the whole range when the type has few events in
 * it: the scheduled-jobs projection, which stores no offset while no scheduled job changes, read
 * the 140,000 events of the journal (1.5 s of H2) at every node start, on the cores the jobs
 * recovering then need. So for a large range the DAO first counts, through the index that leads
 * with the persistence id (the primary key), at most a few thousand of the type's events in the
 * whole journal; when there are fewer, it reads them through that index (2 ms for that range) and
 * sorts them. H2 cannot choose this itself: it has no statistics on the types, and it
 * would choose the persistence-id index for the jobs' events as well, 90 times slower.
 *
 * <p>On PostgreSQL the library's join could be planned once for good while the journal was small,
 * as a scan of the whole journal for each event read ({@link #plannedAtEachRead}); this reads the
 * range of orderings alone, planned at each read. The count through the persistence-id index is
 * H2's alone (it names the index).
 */
public class EntityTypeReadJournalDao extends DefaultReadJournalDao {
  /** Below this many orderings reading the range in order is cheap enough: no count first. */
  static final long MIN_COUNTED_RANGE = 10_000;

  private final Serialization serialization;
  private final EventJournalTableConfiguration table;
  private final long minCountedRange;
  /** The events of one entity type in a range of orderings: those whose persistence id is LIKE the parameter. */
  private final String typed;
  /** The same for the empty tag: the persistence ids without '|' (NOT LIKE {@code %|%}). */
  private final String untyped;
  /**
   * Through the index that leads with the persistence id, once looked up: {@link #typed}, and a
   * count of a type's events up to a limit; both null when the journal has no such index.
   */
  private volatile ByEntityType byEntityType;
  /** Per tag, how many events it has at least, once counting found at least as many as it looked for. */
  private final Map<String, Long> atLeast = new ConcurrentHashMap<>();

  public EntityTypeReadJournalDao(JdbcBackend.JdbcDatabaseDef db, JdbcProfile profile, ReadJournalConfig config,
      Serialization serialization, ExecutionContext ec, Materializer mat) {
    this(db, profile, config, serialization, ec, mat, MIN_COUNTED_RANGE);
  }

  /** As above, counting a type's events first from ranges of {@code minCountedRange} orderings on (tests). */
  EntityTypeReadJournalDao(JdbcBackend.JdbcDatabaseDef db, JdbcProfile profile, ReadJournalConfig config,
      Serialization serialization, ExecutionContext ec, Materializer mat, long minCountedRange) {
    super(db, profile, config, serialization, ec, mat);
    this.serialization = serialization;
    this.table = config.eventJournalTableConfiguration();
    this.minCountedRange = minCountedRange;
    this.typed = select("") + " LIKE ? ESCAPE '\\' ORDER BY " + quote(table.columnNames().ordering()) + " LIMIT ?";
    this.untyped = typed.replace(" LIKE ?", " NOT LIKE ?");
  }

  /** The journal's events in a range of orderings whose persistence id is (NOT) LIKE what follows. */
  private String select(String useIndex) {
    EventJournalTableColumnNames c = table.columnNames();
    return "SELECT " + String.join(", ", quote(c.ordering()), quote(c.deleted()), quote(c.persistenceId()),
        quote(c.sequenceNumber()), quote(c.writer()), quote(c.writeTimestamp()), quote(c.adapterManifest()),
        quote(c.eventPayload()), quote(c.eventSerId()), quote(c.eventSerManifest()), quote(c.metaPayload()),
        quote(c.metaSerId()), quote(c.metaSerManifest())) + " FROM " + JournalTable.name(table)
        + useIndex
        + " WHERE " + quote(c.deleted()) + " = FALSE AND " + quote(c.ordering()) + " > ? AND " + quote(c.ordering())
        + " <= ? AND " + quote(c.persistenceId());
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
    Set<String> noTags = Set$.MODULE$.empty();
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
    try (Connection c = db().source().createConnection()) {
      return rows(c, tag, offset, maxOffset, limit);
    } catch (SQLException e) {
      throw new IllegalStateException("could not read the events of " + tag + " after " + offset + ": "
          + e.getMessage(), e);
    }
  }

  /** The same on connection {@code c}. */
  List<JournalTables.JournalPekkoSerializationRow> rows(Connection c, String tag, long offset, long maxOffset,
      long limit) throws SQLException {
    boolean byType = !tag.isEmpty() && fewEvents(c, tag, maxOffset - offset, limit);
    return rows(c, byType ? byEntityType.read() : tag.isEmpty() ? untyped : typed, tag, offset, maxOffset, limit,
        byType);
  }

  private static List<JournalTables.JournalPekkoSerializationRow> rows(Connection c, String sql, String tag,
      long offset, long maxOffset, long limit, boolean byType) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      plannedAtEachRead(ps);
      ps.setLong(1, offset);
      ps.setLong(2, maxOffset);
      ps.setLong(byType ? bindType(ps, 3, tag) : bindPattern(ps, 3, tag), limit);
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
    }
  }

  /**
   * On PostgreSQL, the read is planned each time with its parameters and the journal's size then.
   * The driver otherwise prepares a statement on the server at its fifth execution, and the server
   * may then keep one generic plan for all parameters, made for the journal as it was. Without
   * statistics (before autovacuum's first analyze, or with autovacuum off) a plan made while the
   * journal was small stays when it has grown: the library's join with the view was kept as a
   * nested loop over a scan of the whole journal for each event read, and successive polls took
   * 3.4 s, then up to 14.4 s, after 14,000 jobs (docs/benchmarks.md). Planning a read costs a
   * fraction of a millisecond, once per poll. The price: the driver takes results in binary only
   * from statements prepared on the server, so the payloads come as hex text, twice their size;
   * the node's CPU per job did not rise measurably.
   */
  static void plannedAtEachRead(PreparedStatement ps) throws SQLException {
    if (ps.isWrapperFor(PGStatement.class)) ps.unwrap(PGStatement.class).setPrepareThreshold(0);
  }

  /**
   * Whether entity type {@code tag} has so few events that reading them all through the
   * persistence-id index beats reading {@code range} orderings in order for {@code limit} of them.
   * That read costs the type's events, this one the range or, for a type with a share d of the
   * journal, limit / d: it counts at most sqrt(limit * range) of them (at most the range), fewer of
   * which cost less than either.
   */
  boolean fewEvents(Connection c, String tag, long range, long limit) throws SQLException {
    if (range < minCountedRange) return false;
    long cap = (long) Math.min(range, Math.sqrt((double) limit * range));
    if (atLeast.getOrDefault(tag, 0L) >= cap) return false;
    if (byEntityType == null) byEntityType = byEntityType(c);
    if (byEntityType.count() == null) return false;
    try (PreparedStatement ps = c.prepareStatement(byEntityType.count())) {
      ps.setLong(bindType(ps, 1, tag), cap);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        long n = rs.getLong(1);
        if (n < cap) return true;
        atLeast.merge(tag, n, Math::max);
        return false;
      }
    }
  }

  /** Binds {@link #pattern} of {@code tag} at {@code at}; returns the next parameter's index. */
  private static int bindPattern(PreparedStatement ps, int at, String tag) throws SQLException {
    ps.setString(at, pattern(tag));
    return at + 1;
  }

  /** Binds the pattern and the prefix range of {@code tag} that {@link ByEntityType}'s statements take at {@code at}. */
  private static int bindType(PreparedStatement ps, int at, String tag) throws SQLException {
    int next = bindPattern(ps, at, tag);
    ps.setString(next, tag + '|');
    ps.setString(next + 1, tag + '}');
    return next + 2;
  }

  private record ByEntityType(String read, String count) {}

  private ByEntityType byEntityType(Connection c) throws SQLException {
    // USE INDEX is H2's. On PostgreSQL a type's events are read by the range of orderings, the
    // read planned with its parameters (plannedAtEachRead).
    if (!"H2".equals(c.getMetaData().getDatabaseProductName())) return new ByEntityType(null, null);
    String index = entityTypeIndex(c);
    if (index == null) return new ByEntityType(null, null);
    String useIndex = " USE INDEX (" + quote(index) + ")";
    String ordering = quote(table.columnNames().ordering());
    String persistenceId = quote(table.columnNames().persistenceId());
    // H2 reads a range of the index only for a LIKE whose pattern it knows when it plans the query,
    // so the prefix is also given as a range: the ids from "Type|" up to, not with, "Type}" ('|' + 1).
    String prefix = " LIKE ? ESCAPE '\\' AND " + persistenceId + " >= ? AND " + persistenceId + " < ?";
    return new ByEntityType(select(useIndex) + prefix + " ORDER BY " + ordering + " LIMIT ?",
        "SELECT COUNT(*) FROM (SELECT 1 FROM " + JournalTable.name(table) + useIndex + " WHERE " + persistenceId
            + prefix + " LIMIT ?) counted");
  }

  /** The name of the journal's index whose first column is the persistence id (its primary key), or null. */
  private String entityTypeIndex(Connection c) throws SQLException {
    DatabaseMetaData meta = c.getMetaData();
    String schema = table.schemaName().isDefined() ? table.schemaName().get() : c.getSchema();
    try (ResultSet rs = meta.getIndexInfo(null, schema, table.tableName(), false, true)) {
      while (rs.next()) {
        if (rs.getShort("ORDINAL_POSITION") == 1
            && table.columnNames().persistenceId().equals(rs.getString("COLUMN_NAME"))) {
          return rs.getString("INDEX_NAME");
        }
      }
    }
    return null;
  }
}
