package io.jtork.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.Uri;
import org.apache.pekko.http.javadsl.model.headers.CacheControl;
import org.apache.pekko.http.javadsl.model.headers.CacheDirectives;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The web console's files: {@code GET /} is its page, {@code /console/...} its scripts and styles
 * (from this jar's {@code console/} resources), {@code /webjars/preact/...} Preact from its webjar.
 * No sign-in: they hold no data. The page signs in and reads everything through the API, with
 * the same permissions as any client.
 *
 * <p>Every file goes with a Content-Security-Policy that lets the page run only this node's own
 * scripts and its one inline script (the import map, allowed by its SHA-256), and talk only to
 * this node: whatever a job's name, log or error holds, it cannot run as a script, load from
 * elsewhere or be framed.
 */
public final class ConsoleRoutes extends AllDirectives {
  /** Preact's version, as the webjar's path has it (http/pom.xml's dependency). */
  static final String PREACT = "10.27.2";
  static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self' '" + importMapHash()
      + "'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none';"
      + " form-action 'self'; frame-ancestors 'none'";
  private static final List<HttpHeader> HEADERS = List.of(CacheControl.create(CacheDirectives.NO_CACHE),
      RawHeader.create("Content-Security-Policy", CONTENT_SECURITY_POLICY),
      RawHeader.create("X-Content-Type-Options", "nosniff"),
      RawHeader.create("Referrer-Policy", "no-referrer"));

  public Route route() {
    return get(() -> concat(
        pathSingleSlash(() -> served(() -> getFromResource("console/index.html"))),
        path("console", () -> redirect(Uri.create("/"), StatusCodes.FOUND)),
        pathPrefix("console", () -> served(() -> getFromResourceDirectory("console"))),
        pathPrefix("webjars", () -> pathPrefix("preact", () -> pathPrefix(PREACT, () ->
            getFromResourceDirectory("META-INF/resources/webjars/preact/" + PREACT))))));
  }

  /**
   * The console changes with the node's version: a browser asks again (a 304 when unchanged).
   * And the page's policy, on every file of it.
   */
  private Route served(Supplier<Route> inner) {
    return respondWithHeaders(HEADERS, inner);
  }

  /** {@code sha256-...} of the page's inline import map, as the policy names an inline script. */
  private static String importMapHash() {
    try (InputStream in = ConsoleRoutes.class.getClassLoader().getResourceAsStream("console/index.html")) {
      if (in == null) throw new IllegalStateException("console/index.html is not on the class path");
      String page = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      Matcher m = Pattern.compile("<script type=\"importmap\">(.*?)</script>", Pattern.DOTALL).matcher(page);
      if (!m.find()) throw new IllegalStateException("console/index.html has no import map");
      // A browser hashes the script as parsed: its line breaks are LF whatever the file's are.
      String script = m.group(1).replace("\r\n", "\n").replace('\r', '\n');
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(script.getBytes(StandardCharsets.UTF_8));
      return "sha256-" + Base64.getEncoder().encodeToString(digest);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
