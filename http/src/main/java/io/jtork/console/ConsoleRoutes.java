package io.jtork.console;

import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.CacheControl;
import org.apache.pekko.http.javadsl.model.headers.CacheDirectives;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The web console's files: {@code GET /} is its page, {@code /console/...} its scripts and styles
 * (from this jar's {@code console/} resources), {@code /webjars/preact/...} Preact from its webjar.
 * No sign-in: they hold no data. The page signs in and reads everything through the API, with
 * the same permissions as any client.
 */
public final class ConsoleRoutes extends AllDirectives {
  /** Preact's version, as the webjar's path has it (http/pom.xml's dependency). */
  static final String PREACT = "10.27.2";

  public Route route() {
    return get(() -> concat(
        pathSingleSlash(() -> noCache(() -> getFromResource("console/index.html"))),
        path("console", () -> redirect(org.apache.pekko.http.javadsl.model.Uri.create("/"), StatusCodes.FOUND)),
        pathPrefix("console", () -> noCache(() -> getFromResourceDirectory("console"))),
        pathPrefix("webjars", () -> pathPrefix("preact", () -> pathPrefix(PREACT, () ->
            getFromResourceDirectory("META-INF/resources/webjars/preact/" + PREACT))))));
  }

  /** The console changes with the node's version; a browser asks again (a 304 when unchanged). */
  private Route noCache(java.util.function.Supplier<Route> inner) {
    return respondWithHeader(CacheControl.create(CacheDirectives.NO_CACHE), inner);
  }
}
