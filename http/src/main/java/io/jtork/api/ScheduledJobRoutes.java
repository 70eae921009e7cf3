package io.jtork.api;

import io.jtork.auth.Principal;
import io.jtork.job.CreationUnanswered;
import io.jtork.job.IdempotencyKeys;
import io.jtork.job.JobClient;
import io.jtork.model.Ids;
import io.jtork.model.ScheduledJob;
import io.jtork.node.JtorkNode;
import io.jtork.projection.ReadYourWrites;
import io.jtork.redact.Redactor;
import io.jtork.scheduled.ScheduledJobClient;
import io.jtork.scheduled.ScheduledJobEntity;
import io.jtork.spec.JobSpecValidator;
import io.jtork.spec.ScheduledJobSpec;
import io.jtork.store.ScheduledJobReadModel;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/** {@code /scheduled-jobs}: create and list scheduled jobs; one, its history; pause, resume and delete it. */
final class ScheduledJobRoutes extends AllDirectives {
  private final JtorkNode node;
  private final ApiDirectives api;
  private final ScheduledJobClient scheduled;
  private final ScheduledJobReadModel readModel;
  private final Redactor redactor;
  private final EventHistory history;
  private final ReadYourWrites shown;

  ScheduledJobRoutes(JtorkNode node, ApiDirectives api, EventHistory history, ReadYourWrites shown) {
    this.node = node;
    this.api = api;
    this.scheduled = node.scheduledJobs();
    this.readModel = node.scheduledReadModel();
    this.redactor = node.redactor();
    this.history = history;
    this.shown = shown;
  }

  Route route(Principal who) {
    return pathPrefix("scheduled-jobs", () -> concat(
        pathEnd(() -> concat(post(() -> create(who)), get(() -> list(who)))),
        pathPrefix(PathMatchers.segment(), id -> concat(
            pathEnd(() -> concat(get(() -> show(id, who)), delete(() -> command(id, who, scheduled::delete)))),
            path("pause", () -> put(() -> command(id, who, scheduled::pause))),
            path("events", () -> get(() -> events(id, who))),
            path("resume", () -> put(() -> command(id, who, scheduled::resume)))))));
  }

  /** The scheduled job with this id, if {@code who} may see it; else 404 (see {@link ApiDirectives#visible}). */
  private Route visibleScheduledJob(String id, Principal who, Function<ScheduledJobEntity.Ok, Route> inner) {
    return api.visible("scheduled job", id, who, scheduledId -> scheduled.get(scheduledId).thenApply(reply ->
        reply instanceof ScheduledJobEntity.Ok ok ? Optional.of(ok) : Optional.empty()),
        ok -> ok.scheduledJob().spec().permissions(), inner);
  }

  private Route create(Principal who) {
    return api.submission("scheduled job", (text, format) -> JobSpecValidator.parseScheduled(text, format,
        node.expressions(), node.settings().bindPolicy()), ScheduledJobSpec::permissions, (spec, key) -> api.respond(
        create(spec, who, key.orElse(null))
            .thenCompose(shown::scheduledJob)
            .thenApply(reply -> respond(reply, (s, next) -> Responses.ok(ScheduledJobView.summary(s, redactor))))));
  }

  /** Under the id the key makes, else a new one (whose late answer is {@link CreationUnanswered}). */
  private CompletionStage<ScheduledJobEntity.Reply> create(ScheduledJobSpec spec, Principal who, String key) {
    if (key != null) {
      return scheduled.create(IdempotencyKeys.scheduledJobId(who.user().username(), key), spec, who.user(), key);
    }
    String id = Ids.newId();
    return JobClient.unanswered("scheduled job", id, scheduled.create(id, spec, who.user(), null));
  }

  private Route list(Principal who) {
    return api.paged(10, 20, p -> completeWithFuture(api.blocking(() ->
        Responses.ok(readModel.list(p.page(), p.size(), who)))));
  }

  private Route show(String id, Principal who) {
    return visibleScheduledJob(id, who, ok -> complete(Responses.ok(ScheduledJobView.of(ok.scheduledJob(),
        ok.nextFireTime(), redactor))));
  }

  /** Pause, resume or delete: the command, sent as {@code who} to a scheduled job they may see. */
  private Route command(String id, Principal who,
      BiFunction<String, String, CompletionStage<ScheduledJobEntity.Reply>> command) {
    return visibleScheduledJob(id, who, ok -> api.respond(command.apply(id, who.user().username())
        .thenCompose(shown::scheduledJob).thenApply(reply -> respond(reply, (s, next) -> Responses.statusOk()))));
  }

  private Route events(String id, Principal who) {
    return api.visible("scheduled job", id, who, scheduledId -> history.ofScheduled(scheduledId)
        .thenApply(entries -> Optional.of(entries).filter(e -> !e.isEmpty())), EventHistory::permissions,
        entries -> complete(Responses.ok(Map.of("items", entries))));
  }

  /** A scheduled job entity's reply as an answer: {@code ok} for it, else 404, 409 or 400 with its message. */
  private static HttpResponse respond(ScheduledJobEntity.Reply reply, BiFunction<ScheduledJob, Instant, HttpResponse> ok) {
    if (reply instanceof ScheduledJobEntity.Ok o) return ok.apply(o.scheduledJob(), o.nextFireTime());
    if (reply instanceof ScheduledJobEntity.NotFound nf) return Responses.error(StatusCodes.NOT_FOUND, nf.message());
    if (reply instanceof ScheduledJobEntity.Conflict c) return Responses.error(StatusCodes.CONFLICT, c.message());
    return Responses.error(StatusCodes.BAD_REQUEST, ((ScheduledJobEntity.Rejected) reply).message());
  }
}
