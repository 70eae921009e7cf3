package io.jtork.api;

import io.jtork.auth.Principal;
import io.jtork.node.JtorkNode;
import io.jtork.projection.ReadModelReplay;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/** Administrators only: {@code /admin/replay}, rebuilding the read models from the journal. */
final class AdminRoutes extends AllDirectives {
  private final ApiDirectives api;
  private final ReadModelReplay replay;

  AdminRoutes(JtorkNode node, ApiDirectives api, Executor blocking) {
    this.api = api;
    // Only coordinators serve the API, and every coordinator has the database.
    this.replay = new ReadModelReplay(node.system(), node.database(), node.redactor(), blocking);
  }

  Route route(Principal who) {
    return path(PathMatchers.segment("admin").slash("replay"), () -> api.admin(who, () -> concat(
        post(this::startReplay), get(this::replayStatus))));
  }

  /**
   * {@code POST /admin/replay}: rebuilds the read models from the journal in the background (see
   * {@link ReadModelReplay}); 202 with its status, 409 while one runs here.
   */
  private Route startReplay() {
    if (!replay.start()) {
      return complete(Responses.error(StatusCodes.CONFLICT, "a replay is already running on this node (started at "
          + replay.status().startedAt() + "); GET /admin/replay follows it"));
    }
    return complete(Responses.json(StatusCodes.ACCEPTED, replayBody(replay.status())));
  }

  /** {@code GET /admin/replay}: the replay running on this node, or the last one to end (IDLE if none). */
  private Route replayStatus() {
    return complete(Responses.ok(replayBody(replay.status())));
  }

  private static Map<String, Object> replayBody(ReadModelReplay.Status s) {
    var body = new LinkedHashMap<String, Object>();
    body.put("state", s.state().name());
    if (s.startedAt() != null) body.put("startedAt", s.startedAt());
    if (s.finishedAt() != null) body.put("finishedAt", s.finishedAt());
    body.put("events", s.events());
    body.put("jobEvents", s.jobEvents());
    body.put("scheduledJobEvents", s.scheduledJobEvents());
    if (s.millis() != null) body.put("millis", s.millis());
    if (s.eventsPerSecond() != null) body.put("eventsPerSecond", Math.round(s.eventsPerSecond()));
    if (s.error() != null) body.put("error", s.error());
    return body;
  }
}
