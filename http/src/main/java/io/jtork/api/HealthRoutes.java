package io.jtork.api;

import io.jtork.node.JtorkNode;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/** {@code GET /health}: whether the database and this node's runtime answer. No sign-in, no database gate. */
final class HealthRoutes extends AllDirectives {
  static final String VERSION = "0.1.0";

  private final JtorkNode node;
  private final Executor blocking;

  HealthRoutes(JtorkNode node, Executor blocking) {
    this.node = node;
    this.blocking = blocking;
  }

  Route route() {
    return path("health", () -> get(this::health));
  }

  private Route health() {
    return completeWithFuture(CompletableFuture.supplyAsync(() -> {
      boolean db = node.database().isHealthy();
      // A coordinator runs no tasks, so it has no runtime of its own to report.
      boolean runtime = node.runtime() == null || node.runtime().isHealthy();
      var body = new LinkedHashMap<String, Object>();
      body.put("status", db && runtime ? "UP" : "DOWN");
      body.put("version", VERSION);
      if (node.runtime() != null) body.put("runtime", node.runtime().name());
      body.put("datastore", node.settings().database().kind().name().toLowerCase(Locale.ROOT));
      body.put("role", node.role().mode());
      if (!db) body.put("message", "the database does not answer");
      if (!runtime) body.put("message", "the " + node.runtime().name() + " runtime is not available");
      return Responses.json(db && runtime ? StatusCodes.OK : StatusCodes.SERVICE_UNAVAILABLE, body);
    }, blocking));
  }
}
