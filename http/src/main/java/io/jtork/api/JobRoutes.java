package io.jtork.api;

import io.jtork.auth.Principal;
import io.jtork.concurrent.Stages;
import io.jtork.job.JobClient;
import io.jtork.job.JobEntity;
import io.jtork.model.Job;
import io.jtork.model.Page;
import io.jtork.node.JtorkNode;
import io.jtork.projection.ReadYourWrites;
import io.jtork.redact.Redactor;
import io.jtork.spec.GoDuration;
import io.jtork.spec.JobSpec;
import io.jtork.spec.JobSpecValidator;
import io.jtork.store.JobReadModel;
import io.jtork.store.TaskLogStore;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code /jobs}: submit and list jobs; a job, as it is now or was then, its log and its history;
 * cancel and restart it.
 */
final class JobRoutes extends AllDirectives {
  /** The instants {@code ?at=} accepts: what the journal's timestamps (epoch milliseconds) and JSON dates hold. */
  static final Instant AT_MIN = Instant.parse("1970-01-01T00:00:00Z");
  static final Instant AT_MAX = Instant.parse("9999-12-31T23:59:59Z");

  private final JtorkNode node;
  private final ApiDirectives api;
  private final JobClient jobs;
  private final JobReadModel readModel;
  private final TaskLogStore logs;
  private final Redactor redactor;
  private final EventHistory history;
  private final ReadYourWrites shown;

  JobRoutes(JtorkNode node, ApiDirectives api, EventHistory history, ReadYourWrites shown) {
    this.node = node;
    this.api = api;
    this.jobs = node.jobs();
    this.readModel = node.readModel();
    this.logs = node.logs();
    this.redactor = node.redactor();
    this.history = history;
    this.shown = shown;
  }

  Route route(Principal who) {
    return pathPrefix("jobs", () -> concat(
        pathEnd(() -> concat(post(() -> submit(who)), get(() -> list(who)))),
        pathPrefix(PathMatchers.segment(), id -> concat(
            pathEnd(() -> get(() -> show(id, who))),
            path("cancel", () -> put(() -> command(id, who, jobs::cancel))),
            path("restart", () -> put(() -> command(id, who, jobs::restart))),
            path("log", () -> get(() -> log(id, who))),
            path("events", () -> get(() -> events(id, who)))))));
  }

  /** The job with this id, if it exists. */
  CompletionStage<Optional<Job>> find(String id) {
    return jobs.get(id).thenApply(reply -> reply instanceof JobEntity.Ok ok ? Optional.of(ok.job()) : Optional.empty());
  }

  /** The job with this id, if {@code who} may see it; else 404 (see {@link ApiDirectives#visible}). */
  private Route visibleJob(String id, Principal who, Function<Job, Route> inner) {
    return api.visible("job", id, who, this::find, job -> job.spec().permissions(), inner);
  }

  private Route submit(Principal who) {
    return api.submission("job", (text, format) -> JobSpecValidator.parse(text, format, node.expressions(),
        node.settings().bindPolicy()), JobSpec::permissions, (spec, key) -> accept(spec, who, key.orElse(null)));
  }

  private Route accept(JobSpec spec, Principal who, String idempotencyKey) {
    CompletionStage<JobEntity.Reply> submitted = (idempotencyKey == null ? jobs.submit(spec, who.user())
        : jobs.submitOnce(idempotencyKey, spec, who.user())).thenCompose(shown::job);
    if (spec.waitFor() == null) {
      return api.respond(submitted.thenApply(reply -> respond(reply, job -> Responses.ok(JobView.summary(job, redactor)))));
    }
    Duration wait = GoDuration.parse(spec.waitFor().timeout()).orElseThrow();
    return withRequestTimeout(wait.plusSeconds(30), () -> completeWithFuture(
        submitted.thenCompose(reply -> {
          if (!(reply instanceof JobEntity.Ok ok)) return CompletableFuture.completedFuture(respond(reply, j -> null));
          // Only the wait itself is a 408: a submission not answered in time is api.failure's 503.
          return jobs.awaitEnd(ok.job().id(), wait).thenApply(end -> respond(end,
              job -> Responses.ok(JobView.of(job, redactor)))).exceptionally(e ->
              Stages.unwrap(e) instanceof TimeoutException
                  ? Responses.error(StatusCodes.REQUEST_TIMEOUT, "timeout waiting for job to complete")
                  : api.failure(e));
        }).exceptionally(api::failure)));
  }

  private Route list(Principal who) {
    return api.paged(10, 20, p -> parameterOptional("q", q -> completeWithFuture(api.blocking(() ->
        Responses.ok(readModel.list(p.page(), p.size(), q.orElse(null), who))))));
  }

  private Route show(String id, Principal who) {
    return api.validId("job", id, () -> parameterOptional("at", at -> at.isPresent() ? jobAt(id, at.get(), who)
        : visibleJob(id, who, job -> complete(Responses.ok(JobView.of(job, redactor))))));
  }

  /**
   * Beyond Tork, {@code GET /jobs/{id}?at=<RFC 3339 instant>}: the job as it was then, rebuilt from
   * its journal (also for a job deleted since; its journal is kept). Who may see the job now may see
   * its past.
   */
  private Route jobAt(String id, String atParameter, Principal who) {
    Instant at;
    try {
      at = OffsetDateTime.parse(atParameter).toInstant();
    } catch (DateTimeException | ArithmeticException e) {
      return complete(Responses.error(StatusCodes.BAD_REQUEST, "invalid at \"" + Responses.truncate(atParameter)
          + "\": expected an RFC 3339 instant such as 2026-01-31T09:30:00Z"));
    }
    if (at.isBefore(AT_MIN) || at.isAfter(AT_MAX)) {
      return complete(Responses.error(StatusCodes.BAD_REQUEST, "invalid at \"" + Responses.truncate(atParameter)
          + "\": must be between " + AT_MIN + " and " + AT_MAX));
    }
    return api.visible("job", id, who, jobId -> history.jobAt(jobId, at).thenApply(Optional::ofNullable),
        past -> past.now().spec().permissions(), past -> complete(past.at() == null || !past.at().exists()
            ? Responses.error(StatusCodes.NOT_FOUND, "job " + id + " did not exist at " + at)
            : Responses.ok(JobView.of(past.at(), redactor, redactor.secretValues(past.now())))));
  }

  /** {@code PUT /jobs/{id}/cancel} or {@code /restart}: the command, sent as {@code who} to a job they may see. */
  private Route command(String id, Principal who, BiFunction<String, String, CompletionStage<JobEntity.Reply>> command) {
    return visibleJob(id, who, job -> api.respond(command.apply(id, who.user().username()).thenCompose(shown::job)
        .thenApply(reply -> respond(reply, done -> Responses.statusOk()))));
  }

  private Route log(String id, Principal who) {
    // The id first: a malformed one is a 404 before a bad page is a 400.
    return api.validId("job", id, () -> api.paged(25, 100, p -> parameterOptional("q", q -> visibleJob(id, who,
        job -> api.respond(api.blocking(() -> Responses.ok(TaskView.log(logs.forJob(id, p.page(), p.size(),
            q.orElse(null)), job, redactor))))))));
  }

  private Route events(String id, Principal who) {
    return api.validId("job", id, () -> api.paged(100, 1000, p -> {
      long from = (long) (p.page() - 1) * p.size() + 1;
      // The job as its entity has it now, with the number of its last event: only the page's events
      // are read. A job that is gone (deleted), or a page that needs earlier events to name a
      // worker, is read whole.
      return onSuccess(jobs.get(id), reply -> {
        if (reply instanceof JobEntity.Ok ok && ok.seqNr() > 0) {
          if (!who.mayAccess(ok.job().spec().permissions())) return complete(Responses.notFound("job"));
          return onSuccess(history.page(ok.job(), ok.seqNr(), from, from + p.size() - 1).thenApply(Optional::ofNullable),
              page -> page.map(pg -> complete(Responses.ok(Page.of(pg.entries(), p.page(), p.size(), pg.total()))))
                  .orElseGet(() -> wholeHistory(id, p, who)));
        }
        return wholeHistory(id, p, who);
      });
    }));
  }

  /** A page of the job's history read from all of its events. */
  private Route wholeHistory(String id, Paging p, Principal who) {
    return api.visible("job", id, who, jobId -> history.of(jobId).thenApply(entries -> Optional.of(entries)
        .filter(e -> !e.isEmpty())), EventHistory::permissions, entries -> complete(Responses.ok(pageOf(entries, p))));
  }

  /** A page of a job's events, oldest first, in Tork's page shape. */
  private static Page<EventHistory.Entry> pageOf(List<EventHistory.Entry> entries, Paging p) {
    int from = (int) Math.min(entries.size(), (long) (p.page() - 1) * p.size());
    int to = Math.min(entries.size(), from + p.size());
    return Page.of(entries.subList(from, to), p.page(), p.size(), entries.size());
  }

  /** A job entity's reply as an answer: {@code ok} for the job, else 404, 409 or 400 with its message. */
  private static HttpResponse respond(JobEntity.Reply reply, Function<Job, HttpResponse> ok) {
    if (reply instanceof JobEntity.Ok o) return ok.apply(o.job());
    if (reply instanceof JobEntity.NotFound nf) return Responses.error(StatusCodes.NOT_FOUND, nf.message());
    if (reply instanceof JobEntity.Conflict c) return Responses.error(StatusCodes.CONFLICT, c.message());
    return Responses.error(StatusCodes.BAD_REQUEST, ((JobEntity.Rejected) reply).message());
  }
}
