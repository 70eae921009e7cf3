package io.jtork.store;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the data lives. H2 (a file under the data directory) is the default, for a node with no
 * other service to install; PostgreSQL is for clusters.
 */
public record DatabaseSettings(Kind kind, String url, String user, String password, int maxPoolSize) {

  public enum Kind {
    H2, POSTGRES;

    public static Kind parse(String s) {
      return switch (s.toLowerCase(Locale.ROOT)) {
        case "h2" -> H2;
        case "postgres", "postgresql" -> POSTGRES;
        default -> throw new IllegalArgumentException("jtork.datastore.type must be h2 or postgres, not \"" + s + "\"");
      };
    }
  }

  /**
   * The H2 file database jtork uses under {@code dataDir}.
   * <ul>
   *   <li>{@code WRITE_DELAY=0}: every commit reaches the file before it returns. H2's default
   *       writes commits up to half a second later, so a killed node lost events it had
   *       already acknowledged (found by the SIGKILL recovery test).</li>
   *   <li>{@code RETENTION_TIME=1000}: space of chunks no longer in use is reused a second after
   *       they were written, with {@link H2Maintenance} compacting. Not 0: H2's engine keeps no old
   *       versions ({@code versionsToKeep} 0), and with both at 0 other users of H2 2.4.240 found
   *       files that no longer opened after a close, and none with a retention of 1 s or more
   *       (nitrite-java pull request 1303). (H2 2.5.252 lost a job seen RUNNING before a kill -9
   *       with 0, and once in 6 runs with 1 s: jtork stays on 2.4.240.) Not H2's 45 s, nor 5 s: a
   *       node under load writes some 10 MB a second; 5 s of it doubled the file and took the
   *       steady p99 past issue 23's 40 ms. 1 s costs about a tenth more file and 3 ms of p99
   *       (docs/benchmarks.md, "kill -9 under load").</li>
   *   <li>{@code QUERY_CACHE_SIZE=64}: the journal, snapshot, projection and read-model
   *       statements together exceed H2's default cache of 8 parsed statements per session.</li>
   *   <li>{@code DB_CLOSE_ON_EXIT=FALSE}: the node closes the database after its actors stop.</li>
   * </ul>
   */
  public static String h2Url(Path dataDir) {
    return "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("jtork")
        + ";DATABASE_TO_UPPER=false;WRITE_DELAY=0;RETENTION_TIME=1000;QUERY_CACHE_SIZE=64;DB_CLOSE_ON_EXIT=FALSE";
  }

  public String migrationLocation() {
    return kind == Kind.H2 ? "classpath:db/migration/h2" : "classpath:db/migration/postgres";
  }

  /**
   * The URL to show in logs and messages: without its parameters ({@code ?...}, H2's
   * {@code ;...}) and without a {@code user:password@} part, either of which may hold a password.
   */
  public String displayUrl() {
    return url.replaceFirst("[?;].*", "").replaceFirst("//[^/]*@", "//");
  }

  /**
   * The passwords these settings hold: {@code password}, a {@code password=} parameter of the URL,
   * and the password of a {@code user:password@} part, for redacting a driver's message.
   */
  public List<String> passwords() {
    List<String> out = new ArrayList<>();
    if (password != null && !password.isEmpty()) out.add(password);
    Matcher param = PASSWORD_PARAM.matcher(url);
    while (param.find()) if (!param.group(1).isEmpty()) out.add(param.group(1));
    Matcher userInfo = USER_INFO.matcher(url);
    if (userInfo.find() && !userInfo.group(1).isEmpty()) out.add(userInfo.group(1));
    return out;
  }

  private static final Pattern PASSWORD_PARAM = Pattern.compile("(?i)[?&;]password=([^&;]*)");
  private static final Pattern USER_INFO = Pattern.compile("//[^/@?;]*?:([^/@?;]*)@");

  @Override
  public String toString() {
    return "DatabaseSettings[" + kind + " " + displayUrl() + " as " + user + "]";
  }
}
