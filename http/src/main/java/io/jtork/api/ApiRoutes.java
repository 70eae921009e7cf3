package io.jtork.api;

import io.jtork.auth.Principal;
import io.jtork.auth.UserStore;
import io.jtork.job.JobClient;
import io.jtork.job.JobEntity;
import io.jtork.model.Ids;
import io.jtork.model.Job;
import io.jtork.model.ScheduledJob;
import io.jtork.model.Task;
import io.jtork.model.UserRef;
import io.jtork.node.JtorkNode;
import io.jtork.redact.Redactor;
import io.jtork.scheduled.ScheduledJobClient;
import io.jtork.scheduled.ScheduledJobEntity;
import io.jtork.spec.GoDuration;
import io.jtork.spec.InvalidSpecException;
import io.jtork.spec.JobSpec;
import io.jtork.spec.JobSpecReader;
import io.jtork.spec.JobSpecValidator;
import io.jtork.spec.PermissionSpec;
import io.jtork.spec.ScheduledJobSpec;
import io.jtork.spec.SpecError;
import io.jtork.store.JobReadModel;
import io.jtork.store.ScheduledJobReadModel;
import io.jtork.store.TaskLogStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.http.scaladsl.model.IllegalRequestException;
import org.apache.pekko.pattern.AskTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Tork's REST API: jobs, scheduled jobs, tasks, logs and health. */
public final class ApiRoutes extends AllDirectives {
  static final String VERSION = "0.1.0";
  private static final Logger log = LoggerFactory.getLogger(ApiRoutes.class);

  private final JtorkNode node;
  private final JobClient jobs;
  private final JobReadModel readModel;
  private final ScheduledJobClient scheduled;
  private final ScheduledJobReadModel scheduledReadModel;
  private final UserStore users;
  private final Authenticator authenticator;
  private final RateLimiter rateLimiter;
  private final io.jtork.node.ClusterInfo clusterInfo;
  private final TaskLogStore logs;
  private final Redactor redactor;
  private final EventHistory history;
  private final Executor blocking;
  private final long bodyLimit;
  private final DatabaseGate gate;
  private final io.jtork.projection.ReadModelReplay replay;
  private final io.jtork.projection.ReadYourWrites shown;

  public ApiRoutes(JtorkNode node) {
    this.node = node;
    this.jobs = node.jobs();
    this.readModel = node.readModel();
    this.scheduled = node.scheduledJobs();
    this.scheduledReadModel = node.scheduledReadModel();
    this.users = node.users();
    this.clusterInfo = new io.jtork.node.ClusterInfo(node.system(), Duration.ofSeconds(3));
    this.rateLimiter = node.settings().rateLimitEnabled() ? new RateLimiter(node.settings().rateLimitPerSecond()) : null;
    this.logs = node.logs();
    this.redactor = node.redactor();
    this.history = new EventHistory(node.system(), node.redactor());
    this.blocking = node.system().dispatchers().lookup(DispatcherSelector.fromConfig("jtork.blocking-dispatcher"));
    this.bodyLimit = node.settings().bodyLimitBytes();
    this.authenticator = new Authenticator(users, blocking, node.settings().authThrottle());
    this.gate = new DatabaseGate(node.system(), node.database(), blocking, Duration.ofSeconds(1));
    // Only coordinators serve the API, and every coordinator has the database.
    this.replay = new io.jtork.projection.ReadModelReplay(node.system(), node.database(), node.redactor(), blocking);
    this.shown = new io.jtork.projection.ReadYourWrites(readModel, scheduledReadModel, redactor, blocking);
  }

  public Route routes() {
    return limits(() -> handleExceptions(exceptions(), () -> handleRejections(rejections(), () -> concat(
        path("health", () -> get(this::health)),
        databaseUp(() -> authenticated(who -> concat(
        pathPrefix("jobs", () -> concat(
            pathEnd(() -> concat(post(() -> submit(who)), get(() -> listJobs(who)))),
            pathPrefix(PathMatchers.segment(), id -> concat(
                pathEnd(() -> get(() -> getJob(id, who))),
                path("cancel", () -> put(() -> cancel(id, who))),
                path("restart", () -> put(() -> restart(id, who))),
                path("log", () -> get(() -> jobLog(id, who))),
                path("events", () -> get(() -> events(id, who)))))
        )),
        pathPrefix("scheduled-jobs", () -> concat(
            pathEnd(() -> concat(post(() -> createScheduled(who)), get(() -> listScheduled(who)))),
            pathPrefix(PathMatchers.segment(), id -> concat(
                pathEnd(() -> concat(get(() -> getScheduled(id, who)), delete(() -> deleteScheduled(id, who)))),
                path("pause", () -> put(() -> pauseScheduled(id, who))),
                path("events", () -> get(() -> scheduledEvents(id, who))),
                path("resume", () -> put(() -> resumeScheduled(id, who))))))),
        pathPrefix("tasks", () -> pathPrefix(PathMatchers.segment(), id -> concat(
            pathEnd(() -> get(() -> getTask(id, who))),
            path("log", () -> get(() -> taskLog(id, who)))))),
        pathPrefix("users", () -> concat(
            pathEnd(() -> post(() -> admin(who, this::createUser))),
            path(PathMatchers.segment("me").slash("keys"), () -> post(() -> createKey(who))),
            path(PathMatchers.segment().slash("roles"), username -> post(() -> admin(who,
                () -> assignRole(username)))))),
        path("roles", () -> post(() -> admin(who, this::createRole))),
        path("nodes", () -> get(this::nodes)),
        path("cluster", () -> get(this::cluster)),
        pathPrefix("queues", () -> concat(
            pathEnd(() -> get(this::queues)),
            path(PathMatchers.segment(), name -> get(() -> queue(name))))),
        path("metrics", () -> get(this::metrics)),
        path(PathMatchers.segment("admin").slash("replay"), () -> admin(who, () -> concat(
            post(this::startReplay), get(this::replayStatus))))
    )))))));
  }

  /**
   * {@code GET /health} alone, for the management port: no rate limit, no CORS, nothing else
   * (see docs/connections.md).
   */
  public Route healthOnly() {
    return handleExceptions(exceptions(), () -> handleRejections(rejections(), () ->
        path("health", () -> get(this::health))));
  }

  /** 503 at once while the database does not answer (see {@link DatabaseGate}). */
  private Route databaseUp(java.util.function.Supplier<Route> inner) {
    Route served = inner.get();
    Route unavailable = complete(Responses.error(StatusCodes.SERVICE_UNAVAILABLE,
        "the database is unavailable; the request was not carried out, try again"));
    // Decided per request: the lambda runs for each one, the routes are built once.
    return extractRequestContext(ctx -> gate.isUp() ? served : unavailable);
  }

  /** CORS (pekko-http-cors) and the per-address rate limit, each when configured. */
  private Route limits(java.util.function.Supplier<Route> inner) {
    java.util.function.Supplier<Route> limited = rateLimiter == null ? inner
        : () -> optionalAttribute(org.apache.pekko.http.javadsl.model.AttributeKeys.remoteAddress, address -> {
          String client = address.flatMap(a -> a.getAddress()).map(java.net.InetAddress::getHostAddress).orElse("?");
          return rateLimiter.allow(client) ? inner.get() : complete(Responses.error(StatusCodes.TOO_MANY_REQUESTS,
              "too many requests: at most " + rateLimiter.perSecond() + " a second from one address")
              .addHeader(org.apache.pekko.http.javadsl.model.HttpHeader.parse("Retry-After", "1")));
        });
    if (!node.settings().corsEnabled()) return limited.get();
    var config = com.typesafe.config.ConfigFactory.parseMap(Map.of(
        "pekko.http.cors.allowed-origins", node.settings().corsAllowedOrigins().contains("*") ? "*"
            : String.join(" ", node.settings().corsAllowedOrigins()),
        "pekko.http.cors.allowed-methods", List.of("GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS")))
        .withFallback(node.system().settings().config());
    return handleRejections(jsonErrors(org.apache.pekko.http.cors.javadsl.CorsDirectives.corsRejectionHandler()),
        () -> org.apache.pekko.http.cors.javadsl.CorsDirectives.cors(
            org.apache.pekko.http.cors.javadsl.settings.CorsSettings.create(config), limited));
  }

  // ---- health --------------------------------------------------------------------------------

  private Route health() {
    return completeWithFuture(CompletableFuture.supplyAsync(() -> {
      boolean db = node.database().isHealthy();
      // A coordinator runs no tasks, so it has no runtime of its own to report.
      boolean runtime = node.runtime() == null || node.runtime().isHealthy();
      var body = new java.util.LinkedHashMap<String, Object>();
      body.put("status", db && runtime ? "UP" : "DOWN");
      body.put("version", VERSION);
      if (node.runtime() != null) body.put("runtime", node.runtime().name());
      body.put("datastore", node.settings().database().kind().name().toLowerCase(java.util.Locale.ROOT));
      body.put("role", node.role().mode());
      if (!db) body.put("message", "the database does not answer");
      if (!runtime) body.put("message", "the " + node.runtime().name() + " runtime is not available");
      return Responses.json(db && runtime ? StatusCodes.OK : StatusCodes.SERVICE_UNAVAILABLE, body);
    }, blocking));
  }

  // ---- jobs ----------------------------------------------------------------------------------

  /** A job document (JSON or YAML, by content type, within the body limit), handed to {@code inner}. */
  private Route document(java.util.function.BiFunction<String, JobSpecReader.Format, Route> inner) {
    return extractRequestEntity(entity -> {
      var mediaType = entity.getContentType().mediaType().toString();
      Optional<JobSpecReader.Format> format = JobSpecReader.Format.ofContentType(mediaType);
      if (format.isEmpty()) {
        return complete(Responses.error(StatusCodes.BAD_REQUEST, "unknown content type: " + mediaType
            + " (send the job as application/json, text/yaml or application/x-yaml)"));
      }
      return withSizeLimit(bodyLimit, () -> extractStrictEntity(Duration.ofSeconds(10), bodyLimit, strict ->
          inner.apply(strict.getData().decodeString(StandardCharsets.UTF_8), format.get())));
    });
  }

  private Route submit(Principal who) {
    return idempotencyKey(key -> document((body, format) -> {
      JobSpec spec;
      try {
        spec = JobSpecValidator.parse(body, format, node.expressions(), node.settings().bindPolicy());
      } catch (InvalidSpecException e) {
        return complete(Responses.invalid("job", e.errors()));
      }
      return onSuccess(blockingCall(() -> permissionErrors(spec.permissions())), errors -> errors.isEmpty()
          ? accept(spec, who, key.orElse(null)) : complete(Responses.invalid("job", errors)));
    }));
  }

  /**
   * The request's {@code Idempotency-Key}, if it has one: a submission sent again with the same key
   * gets the job (or scheduled job) the first one created (see {@link io.jtork.job.IdempotencyKeys}).
   * A key that cannot be used is a 400 that says why.
   */
  private Route idempotencyKey(Function<Optional<String>, Route> inner) {
    return optionalHeaderValueByName("Idempotency-Key", key -> {
      Optional<String> problem = key.flatMap(io.jtork.job.IdempotencyKeys::problem);
      return problem.isPresent() ? complete(Responses.error(StatusCodes.BAD_REQUEST, problem.get()))
          : inner.apply(key);
    });
  }

  /** Tork: a permission's user or role must exist. */
  private List<SpecError> permissionErrors(List<PermissionSpec> permissions) throws java.sql.SQLException {
    List<String> named = permissions.stream().filter(p -> p != null && p.user() != null).map(PermissionSpec::user).toList();
    List<String> roles = permissions.stream().filter(p -> p != null && p.role() != null).map(PermissionSpec::role).toList();
    // Each name is looked up once, however often it is named.
    java.util.Set<String> unknownUsers = new java.util.HashSet<>(users.unknownUsers(named));
    java.util.Set<String> unknownRoles = new java.util.HashSet<>(users.unknownRoles(roles));
    List<SpecError> errors = new java.util.ArrayList<>();
    for (int i = 0; i < permissions.size(); i++) {
      PermissionSpec p = permissions.get(i);
      if (p == null) continue;
      if (p.user() != null && unknownUsers.contains(p.user())) {
        errors.add(new SpecError("permissions[" + i + "].user", "user \"" + p.user() + "\" does not exist"));
      }
      if (p.role() != null && unknownRoles.contains(p.role())) {
        errors.add(new SpecError("permissions[" + i + "].role", "role \"" + p.role() + "\" does not exist"));
      }
    }
    return errors;
  }

  private Route accept(JobSpec spec, Principal who, String idempotencyKey) {
    {
      CompletionStage<JobEntity.Reply> submitted = (idempotencyKey == null ? jobs.submit(spec, who.user())
          : jobs.submitOnce(idempotencyKey, spec, who.user())).thenCompose(shown::job);
      if (spec.waitFor() == null) {
        return completeWithFuture(submitted.thenApply(reply -> respond(reply,
            job -> Responses.ok(JobView.summary(job, redactor)))).exceptionally(this::failure));
      }
      Duration wait = GoDuration.parse(spec.waitFor().timeout()).orElseThrow();
      return withRequestTimeout(wait.plusSeconds(30), () -> completeWithFuture(
          submitted.thenCompose(reply -> {
            if (!(reply instanceof JobEntity.Ok ok)) return CompletableFuture.completedFuture(respond(reply, j -> null));
            return jobs.awaitEnd(ok.job().id(), wait).thenApply(end -> respond(end,
                job -> Responses.ok(JobView.of(job, redactor))));
          }).exceptionally(e -> unwrap(e) instanceof TimeoutException
              ? Responses.error(StatusCodes.REQUEST_TIMEOUT, "timeout waiting for job to complete")
              : failure(e))));
    }
  }

  private Route listJobs(Principal who) {
    return parameterOptional("page", page -> parameterOptional("size", size -> parameterOptional("q", q -> {
      Paging p = Paging.of(page, size, 10, 20);
      return completeWithFuture(blockingCall(() -> Responses.ok(readModel.list(p.page(), p.size(), q.orElse(null),
          who))));
    })));
  }

  /**
   * The job, if {@code who} may see it; a job they may not see is "not found", like one that does
   * not exist, so that its existence does not show.
   */
  private CompletionStage<JobEntity.Reply> visibleJob(String id, Principal who) {
    return jobs.get(id).thenApply(reply -> reply instanceof JobEntity.Ok ok
        && !who.mayAccess(ok.job().spec().permissions()) ? new JobEntity.NotFound("job not found") : reply);
  }

  private Route getJob(String id, Principal who) {
    if (!Ids.isValid(id)) return complete(Responses.error(StatusCodes.NOT_FOUND, "job not found"));
    return parameterOptional("at", at -> at.isPresent() ? jobAt(id, at.get(), who)
        : completeWithFuture(visibleJob(id, who).thenApply(reply -> respond(reply, job -> Responses.ok(JobView.of(job,
            redactor)))).exceptionally(this::failure)));
  }

  /**
   * Beyond Tork, {@code GET /jobs/{id}?at=<RFC 3339 instant>}: the job as it was then, rebuilt from
   * its journal (also for a job deleted since; its journal is kept). Who may see the job now may see
   * its past.
   */
  /** The instants {@code ?at=} accepts: what the journal's timestamps (epoch milliseconds) and JSON dates hold. */
  static final java.time.Instant AT_MIN = java.time.Instant.parse("1970-01-01T00:00:00Z");
  static final java.time.Instant AT_MAX = java.time.Instant.parse("9999-12-31T23:59:59Z");

  private Route jobAt(String id, String atParameter, Principal who) {
    java.time.Instant at;
    try {
      at = java.time.OffsetDateTime.parse(atParameter).toInstant();
    } catch (java.time.DateTimeException | ArithmeticException e) {
      return complete(Responses.error(StatusCodes.BAD_REQUEST, "invalid at \"" + Responses.truncate(atParameter)
          + "\": expected an RFC 3339 instant such as 2026-01-31T09:30:00Z"));
    }
    if (at.isBefore(AT_MIN) || at.isAfter(AT_MAX)) {
      return complete(Responses.error(StatusCodes.BAD_REQUEST, "invalid at \"" + Responses.truncate(atParameter)
          + "\": must be between " + AT_MIN + " and " + AT_MAX));
    }
    return completeWithFuture(history.jobAt(id, at).thenApply(past -> {
      if (past == null || !who.mayAccess(past.now().spec().permissions())) {
        return Responses.error(StatusCodes.NOT_FOUND, "job not found");
      }
      if (past.at() == null || !past.at().exists()) {
        return Responses.error(StatusCodes.NOT_FOUND, "job " + id + " did not exist at " + at);
      }
      return Responses.ok(JobView.of(past.at(), redactor, redactor.secretValues(past.now())));
    }).exceptionally(this::failure));
  }

  private Route cancel(String id, Principal who) {
    if (!Ids.isValid(id)) return complete(Responses.error(StatusCodes.NOT_FOUND, "job not found"));
    return completeWithFuture(visibleJob(id, who).thenCompose(seen -> seen instanceof JobEntity.Ok
            ? jobs.cancel(id, who.user().username()).thenCompose(shown::job) : CompletableFuture.completedFuture(seen))
        .thenApply(reply -> respond(reply, job -> Responses.statusOk())).exceptionally(this::failure));
  }

  private Route restart(String id, Principal who) {
    if (!Ids.isValid(id)) return complete(Responses.error(StatusCodes.NOT_FOUND, "job not found"));
    return completeWithFuture(visibleJob(id, who).thenCompose(seen -> seen instanceof JobEntity.Ok
            ? jobs.restart(id, who.user().username()).thenCompose(shown::job) : CompletableFuture.completedFuture(seen))
        .thenApply(reply -> respond(reply, job -> Responses.statusOk())).exceptionally(this::failure));
  }

  private Route jobLog(String id, Principal who) {
    if (!Ids.isValid(id)) return complete(Responses.error(StatusCodes.NOT_FOUND, "job not found"));
    return parameterOptional("page", page -> parameterOptional("size", size -> parameterOptional("q", q -> {
      Paging p = Paging.of(page, size, 25, 100);
      return completeWithFuture(visibleJob(id, who).thenCompose(reply -> reply instanceof JobEntity.Ok ok
          ? blockingCall(() -> Responses.ok(redacted(logs.forJob(id, p.page(), p.size(), q.orElse(null)), ok.job())))
          : CompletableFuture.completedFuture(respond(reply, j -> null))).exceptionally(this::failure));
    })));
  }

  private Route events(String id, Principal who) {
    if (!Ids.isValid(id)) return complete(Responses.error(StatusCodes.NOT_FOUND, "job not found"));
    return parameterOptional("page", page -> parameterOptional("size", size -> {
      Paging p = Paging.of(page, size, 100, 1000);
      long from = (long) (p.page() - 1) * p.size() + 1;
      // The job as its entity has it now, with the number of its last event: only the page's events
      // are read. A job that is gone (deleted), or a page that needs earlier events to name a
      // worker, is read whole.
      return completeWithFuture(jobs.get(id).thenCompose(reply -> {
        if (reply instanceof JobEntity.Ok ok && ok.seqNr() > 0) {
          if (!who.mayAccess(ok.job().spec().permissions())) {
            return CompletableFuture.completedFuture(Responses.error(StatusCodes.NOT_FOUND, "job not found"));
          }
          return history.page(ok.job(), ok.seqNr(), from, from + p.size() - 1).thenCompose(pg -> pg != null
              ? CompletableFuture.completedFuture(Responses.ok(io.jtork.model.Page.of(pg.entries(), p.page(), p.size(), pg.total())))
              : wholeHistory(id, p, who));
        }
        return wholeHistory(id, p, who);
      }).exceptionally(this::failure));
    }));
  }

  /** A page of the job's history read from all of its events. */
  private CompletionStage<HttpResponse> wholeHistory(String id, Paging p, Principal who) {
    return history.of(id).thenApply(entries -> entries.isEmpty() || !who.mayAccess(EventHistory.permissions(entries))
        ? Responses.error(StatusCodes.NOT_FOUND, "job not found")
        : Responses.ok(pageOf(entries, p)));
  }

  /** A page of a job's events, oldest first, in Tork's page shape. */
  private static io.jtork.model.Page<EventHistory.Entry> pageOf(List<EventHistory.Entry> entries, Paging p) {
    int from = (int) Math.min(entries.size(), (long) (p.page() - 1) * p.size());
    int to = Math.min(entries.size(), from + p.size());
    return io.jtork.model.Page.of(entries.subList(from, to), p.page(), p.size(), entries.size());
  }

  // ---- scheduled jobs ------------------------------------------------------------------------

  private Route createScheduled(Principal who) {
    return idempotencyKey(key -> document((body, format) -> {
      ScheduledJobSpec spec;
      try {
        spec = JobSpecValidator.parseScheduled(body, format, node.expressions(), node.settings().bindPolicy());
      } catch (InvalidSpecException e) {
        return complete(Responses.invalid("scheduled job", e.errors()));
      }
      return onSuccess(blockingCall(() -> permissionErrors(spec.permissions())), errors -> !errors.isEmpty()
          ? complete(Responses.invalid("scheduled job", errors))
          : completeWithFuture(scheduled.create(key.map(k -> io.jtork.job.IdempotencyKeys.scheduledJobId(
                  who.user().username(), k)).orElseGet(Ids::newId), spec, who.user(), key.orElse(null))
              .thenCompose(shown::scheduledJob)
              .thenApply(reply -> respondScheduled(reply, (s, next) -> Responses.ok(ScheduledJobView.summary(s,
                  redactor))))
              .exceptionally(this::failure)));
    }));
  }

  private Route listScheduled(Principal who) {
    return parameterOptional("page", page -> parameterOptional("size", size -> {
      Paging p = Paging.of(page, size, 10, 20);
      return completeWithFuture(blockingCall(() -> Responses.ok(scheduledReadModel.list(p.page(), p.size(), who))));
    }));
  }

  private Route getScheduled(String id, Principal who) {
    if (!Ids.isValid(id)) return complete(Responses.error(StatusCodes.NOT_FOUND, "scheduled job not found"));
    return completeWithFuture(visibleScheduled(id, who).thenApply(reply -> respondScheduled(reply,
        (s, next) -> Responses.ok(ScheduledJobView.of(s, next, redactor)))).exceptionally(this::failure));
  }

  private Route pauseScheduled(String id, Principal who) {
    if (!Ids.isValid(id)) return complete(Responses.error(StatusCodes.NOT_FOUND, "scheduled job not found"));
    return completeWithFuture(visibleScheduled(id, who).thenCompose(seen -> seen instanceof ScheduledJobEntity.Ok
            ? scheduled.pause(id, who.user().username()).thenCompose(shown::scheduledJob)
            : CompletableFuture.completedFuture(seen))
        .thenApply(reply -> respondScheduled(reply, (s, next) -> Responses.statusOk())).exceptionally(this::failure));
  }

  private Route resumeScheduled(String id, Principal who) {
    if (!Ids.isValid(id)) return complete(Responses.error(StatusCodes.NOT_FOUND, "scheduled job not found"));
    return completeWithFuture(visibleScheduled(id, who).thenCompose(seen -> seen instanceof ScheduledJobEntity.Ok
            ? scheduled.resume(id, who.user().username()).thenCompose(shown::scheduledJob)
            : CompletableFuture.completedFuture(seen))
        .thenApply(reply -> respondScheduled(reply, (s, next) -> Responses.statusOk())).exceptionally(this::failure));
  }

  private Route deleteScheduled(String id, Principal who) {
    if (!Ids.isValid(id)) return complete(Responses.error(StatusCodes.NOT_FOUND, "scheduled job not found"));
    return completeWithFuture(visibleScheduled(id, who).thenCompose(seen -> seen instanceof ScheduledJobEntity.Ok
            ? scheduled.delete(id, who.user().username()).thenCompose(shown::scheduledJob)
            : CompletableFuture.completedFuture(seen))
        .thenApply(reply -> respondScheduled(reply, (s, next) -> Responses.statusOk())).exceptionally(this::failure));
  }

  private Route scheduledEvents(String id, Principal who) {
    if (!Ids.isValid(id)) return complete(Responses.error(StatusCodes.NOT_FOUND, "scheduled job not found"));
    return completeWithFuture(history.ofScheduled(id).thenApply(entries -> entries.isEmpty()
        || !who.mayAccess(EventHistory.permissions(entries)) ? Responses.error(StatusCodes.NOT_FOUND, "scheduled job not found")
        : Responses.ok(Map.of("items", entries))).exceptionally(this::failure));
  }

  /** The scheduled job, if {@code who} may see it (its {@code permissions}); else "not found". */
  private CompletionStage<ScheduledJobEntity.Reply> visibleScheduled(String id, Principal who) {
    return scheduled.get(id).thenApply(reply -> reply instanceof ScheduledJobEntity.Ok ok
        && !who.mayAccess(ok.scheduledJob().spec().permissions())
        ? new ScheduledJobEntity.NotFound("scheduled job not found") : reply);
  }

  private static HttpResponse respondScheduled(ScheduledJobEntity.Reply reply,
      java.util.function.BiFunction<ScheduledJob, java.time.Instant, HttpResponse> ok) {
    if (reply instanceof ScheduledJobEntity.Ok o) return ok.apply(o.scheduledJob(), o.nextFireTime());
    if (reply instanceof ScheduledJobEntity.NotFound nf) return Responses.error(StatusCodes.NOT_FOUND, nf.message());
    if (reply instanceof ScheduledJobEntity.Conflict c) return Responses.error(StatusCodes.CONFLICT, c.message());
    return Responses.error(StatusCodes.BAD_REQUEST, ((ScheduledJobEntity.Rejected) reply).message());
  }

  // ---- tasks ---------------------------------------------------------------------------------

  private Route getTask(String id, Principal who) {
    if (!Ids.isValid(id)) return complete(Responses.error(StatusCodes.NOT_FOUND, "task not found"));
    return completeWithFuture(blockingCall(() -> readModel.jobIdOfTask(id)).thenCompose(jobId -> jobId.isEmpty()
        ? CompletableFuture.completedFuture(Responses.error(StatusCodes.NOT_FOUND, "task not found"))
        : visibleJob(jobId.get(), who).thenApply(reply -> {
          if (!(reply instanceof JobEntity.Ok ok)) return Responses.error(StatusCodes.NOT_FOUND, "task not found");
          Job job = ok.job();
          Optional<Task> task = job.task(id);
          return task.map(t -> Responses.ok(TaskView.of(t, job, redactor, redactor.secretValues(job))))
              .orElseGet(() -> Responses.error(StatusCodes.NOT_FOUND, "task not found"));
        })).exceptionally(this::failure));
  }

  private Route taskLog(String id, Principal who) {
    if (!Ids.isValid(id)) return complete(Responses.error(StatusCodes.NOT_FOUND, "task not found"));
    return parameterOptional("page", page -> parameterOptional("size", size -> parameterOptional("q", q -> {
      Paging p = Paging.of(page, size, 25, 100);
      HttpResponse notFound = Responses.error(StatusCodes.NOT_FOUND, "task not found");
      return completeWithFuture(blockingCall(() -> readModel.jobIdOfTask(id)).thenCompose(jobId -> jobId.isEmpty()
          ? CompletableFuture.completedFuture(notFound)
          : visibleJob(jobId.get(), who).thenCompose(reply -> reply instanceof JobEntity.Ok ok
              ? blockingCall(() -> Responses.ok(redacted(logs.forTask(id, p.page(), p.size(), q.orElse(null)),
                  ok.job())))
              : CompletableFuture.completedFuture(notFound))).exceptionally(this::failure));
    })));
  }

  /**
   * Log parts as served: the worker redacted them before they were written, with the set the job
   * had when the task started; this second line applies the job's set as it is now.
   */
  private io.jtork.model.Page<io.jtork.model.TaskLogPart> redacted(io.jtork.model.Page<io.jtork.model.TaskLogPart> page,
      Job job) {
    java.util.Set<String> secrets = redactor.secretValues(job);
    if (secrets.isEmpty()) return page;
    return new io.jtork.model.Page<>(page.items().stream().map(l -> new io.jtork.model.TaskLogPart(l.id(), l.number(),
        l.taskId(), Redactor.redactValues(l.contents(), secrets), l.createdAt())).toList(), page.number(), page.size(),
        page.totalPages(), page.totalItems());
  }

  // ---- nodes, queues, metrics ----------------------------------------------------------------

  private Route nodes() {
    return completeWithFuture(clusterInfo.nodes().thenApply(Responses::ok).exceptionally(this::failure));
  }

  // ---- admin ---------------------------------------------------------------------------------

  /**
   * {@code POST /admin/replay}: rebuilds the read models from the journal in the background (see
   * {@link io.jtork.projection.ReadModelReplay}); 202 with its status, 409 while one runs here.
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

  private static java.util.Map<String, Object> replayBody(io.jtork.projection.ReadModelReplay.Status s) {
    var body = new java.util.LinkedHashMap<String, Object>();
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

  /** Beyond Tork: the cluster's members, their roles and status, and the shards each hosts. */
  private Route cluster() {
    return completeWithFuture(clusterInfo.members().thenApply(Responses::ok).exceptionally(this::failure));
  }

  private Route queues() {
    return completeWithFuture(clusterInfo.queues().thenApply(Responses::ok).exceptionally(this::failure));
  }

  /**
   * Tork: 404 {@code queue X not found}; here a queue exists while a worker serves it. Only then is
   * the queue asked (asking starts its entity, which should not happen for any name a client sends).
   */
  private Route queue(String name) {
    return completeWithFuture(clusterInfo.nodes().thenCompose(nodes ->
        nodes.stream().anyMatch(n -> n.queues().containsKey(name))
            ? clusterInfo.queue(name).thenApply(Responses::ok)
            : CompletableFuture.completedFuture(Responses.error(StatusCodes.NOT_FOUND, "queue " + name + " not found")))
        .exceptionally(this::failure));
  }

  /** Tork's {@code stats.go} shape: running jobs and tasks, online nodes and their mean CPU. */
  private Route metrics() {
    return completeWithFuture(clusterInfo.nodes().thenCombine(blockingCall(() ->
        readModel.countInState(io.jtork.model.JobState.RUNNING)), (nodes, running) -> {
          double cpu = nodes.stream().mapToDouble(n -> n.cpuPercent()).average().orElse(0);
          return Responses.ok(Map.of("jobs", Map.of("running", running),
              "tasks", Map.of("running", nodes.stream().mapToInt(n -> n.taskCount()).sum()),
              "nodes", Map.of("online", nodes.stream().filter(n -> n.status().equals("UP")).count(),
                  "cpuPercent", Math.round(cpu * 100.0) / 100.0)));
        }).exceptionally(this::failure));
  }

  // ---- users and roles -----------------------------------------------------------------------

  /**
   * Every route but {@code /health} runs as someone: with {@code jtork.auth.enabled}, the user of
   * the {@code Authorization} header (401 without one or with a wrong one); else Tork's guest.
   */
  private Route authenticated(Function<Principal, Route> inner) {
    if (!node.settings().authEnabled()) return inner.apply(Principal.GUEST);
    return optionalHeaderValueByName("Authorization", header -> header.isEmpty()
        ? complete(unauthorized("authentication required: use HTTP Basic or Authorization: Bearer <API key>"))
        : clientAddress(address -> onSuccess(authenticator.authenticate(header.get(), address), outcome -> {
          if (outcome instanceof Authenticator.Outcome.Allowed a) return inner.apply(a.principal());
          if (outcome instanceof Authenticator.Outcome.Throttled t) {
            long seconds = LoginThrottle.seconds(t.retryIn());
            return complete(retryAfter(StatusCodes.TOO_MANY_REQUESTS, seconds, "too many failed sign-ins from this"
                + " address or for this user: try again in " + seconds + (seconds == 1 ? " second" : " seconds")
                + " (at " + java.time.Instant.now().plusSeconds(seconds).truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                + ")"));
          }
          if (outcome instanceof Authenticator.Outcome.Busy) {
            return complete(retryAfter(StatusCodes.SERVICE_UNAVAILABLE, 1,
                "too many sign-ins are being checked at once: try again in 1 second"));
          }
          return complete(unauthorized("invalid credentials"));
        })));
  }

  /** The peer's address ({@code remote-address-attribute}; not X-Forwarded-For, which any client can write). */
  private Route clientAddress(Function<String, Route> inner) {
    return optionalAttribute(org.apache.pekko.http.javadsl.model.AttributeKeys.remoteAddress, address -> inner.apply(
        address.flatMap(a -> a.getAddress()).map(java.net.InetAddress::getHostAddress).orElse("?")));
  }

  private static HttpResponse retryAfter(StatusCode status, long seconds, String message) {
    return Responses.error(status, message)
        .addHeader(org.apache.pekko.http.javadsl.model.HttpHeader.parse("Retry-After", String.valueOf(seconds)));
  }

  private static HttpResponse unauthorized(String message) {
    return Responses.error(StatusCodes.UNAUTHORIZED, message)
        .addHeader(org.apache.pekko.http.javadsl.model.HttpHeader.parse("WWW-Authenticate", "Basic realm=\"jtork\""));
  }

  private Route admin(Principal who, java.util.function.Supplier<Route> inner) {
    return who.admin() ? inner.get()
        : complete(Responses.error(StatusCodes.FORBIDDEN, "only administrators may do this"));
  }

  /** A small JSON body ({@code POST /users}, {@code /roles}...), or a 400 naming the problem. */
  private Route jsonBody(Function<com.fasterxml.jackson.databind.JsonNode, Route> inner) {
    return withSizeLimit(bodyLimit, () -> extractStrictEntity(Duration.ofSeconds(10), bodyLimit, strict -> {
      try {
        var node = io.jtork.json.Json.json().readTree(strict.getData().decodeString(StandardCharsets.UTF_8));
        if (node == null || !node.isObject()) return complete(Responses.error(StatusCodes.BAD_REQUEST,
            "expected a JSON object"));
        return inner.apply(node);
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        return complete(Responses.error(StatusCodes.BAD_REQUEST, "invalid JSON: " + e.getOriginalMessage()));
      }
    }));
  }

  interface UserCall {
    HttpResponse call() throws Exception;
  }

  /** Runs a user-store call off the actors' threads; a refusal is a 400 with its message. */
  private Route userCall(UserCall call) {
    return completeWithFuture(blockingCall(() -> {
      try {
        return call.call();
      } catch (UserStore.Refused | BadField e) {
        return Responses.error(StatusCodes.BAD_REQUEST, e.getMessage());
      }
    }).exceptionally(this::failure));
  }

  private Route createUser() {
    return jsonBody(b -> userCall(() -> {
      UserRef u = users.createUser(text(b, "username"), text(b, "name"), text(b, "password"), bool(b, "admin"));
      return Responses.ok(Map.of("id", u.id(), "username", u.username(), "name", u.name(), "createdAt", u.createdAt(),
          "admin", bool(b, "admin")));
    }));
  }

  private Route createRole() {
    return jsonBody(b -> userCall(() -> {
      String slug = users.createRole(text(b, "slug"), text(b, "name"));
      return Responses.ok(Map.of("slug", slug, "name", b.hasNonNull("name") ? text(b, "name") : slug));
    }));
  }

  private Route assignRole(String username) {
    return jsonBody(b -> userCall(() -> {
      users.assignRole(username, text(b, "role"));
      return Responses.statusOk();
    }));
  }

  private Route createKey(Principal who) {
    if (who == Principal.GUEST) {
      return complete(Responses.error(StatusCodes.BAD_REQUEST, "API keys need jtork.auth.enabled"));
    }
    return userCall(() -> Responses.ok(Map.of("key", users.createApiKey(who.user()))));
  }

  /** A field of a JSON body that is not of its type: a 400 naming it. */
  static final class BadField extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadField(String field, String expected, com.fasterxml.jackson.databind.JsonNode got) {
      super(field + ": expected " + expected + ", got " + Responses.truncate(got.toString(), 100));
    }
  }

  /** A string field, or null; a number, boolean or object is a 400 (no coercion). */
  private static String text(com.fasterxml.jackson.databind.JsonNode b, String field) {
    var v = b.get(field);
    if (v == null || v.isNull()) return null;
    if (!v.isTextual()) throw new BadField(field, "a string", v);
    return v.asText();
  }

  /** A boolean field, false when missing; {@code "yes"} or {@code "true"} is a 400, not false. */
  private static boolean bool(com.fasterxml.jackson.databind.JsonNode b, String field) {
    var v = b.get(field);
    if (v == null || v.isNull()) return false;
    if (!v.isBoolean()) throw new BadField(field, "true or false", v);
    return v.booleanValue();
  }

  // ---- plumbing ------------------------------------------------------------------------------

  private static HttpResponse respond(JobEntity.Reply reply, Function<Job, HttpResponse> ok) {
    if (reply instanceof JobEntity.Ok o) return ok.apply(o.job());
    if (reply instanceof JobEntity.NotFound nf) return Responses.error(StatusCodes.NOT_FOUND, nf.message());
    if (reply instanceof JobEntity.Conflict c) return Responses.error(StatusCodes.CONFLICT, c.message());
    return Responses.error(StatusCodes.BAD_REQUEST, ((JobEntity.Rejected) reply).message());
  }

  interface SqlCall<T> {
    T call() throws Exception;
  }

  private <T> CompletableFuture<T> blockingCall(SqlCall<T> call) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return call.call();
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new CompletionException(e);
      }
    }, blocking);
  }

  private HttpResponse failure(Throwable t) {
    Throwable e = unwrap(t);
    if (e instanceof TimeoutException || e instanceof AskTimeoutException) {
      // Which one it is, as far as this node can tell: the database answered its last check (once a
      // second), so the job itself is slow, busy with a large change or still recovering.
      String why = gate.isUp()
          ? "the job is busy (a large change is being written, or it is still being recovered); try again in a moment"
          : "the database does not answer; try again once it does";
      return retryAfter(StatusCodes.SERVICE_UNAVAILABLE, 1, "the job did not answer within "
          + GoDuration.format(node.askTimeout()) + ": " + why);
    }
    if (e instanceof java.sql.SQLException) {
      log.warn("database error while answering a request: {}", e.getMessage());
      return Responses.error(StatusCodes.SERVICE_UNAVAILABLE, "the database did not answer; try again");
    }
    log.error("unexpected error while answering a request", e);
    return Responses.error(StatusCodes.INTERNAL_SERVER_ERROR, "internal error");
  }

  private static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof java.util.concurrent.ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private ExceptionHandler exceptions() {
    return ExceptionHandler.newBuilder()
        .match(Paging.BadParameter.class, e -> complete(Responses.error(StatusCodes.BAD_REQUEST, e.getMessage())))
        .match(EntityStreamSizeException.class, e -> complete(tooLarge()))
        .matchAny(e -> {
          Throwable cause = unwrap(e);
          if (cause instanceof EntityStreamSizeException) return complete(tooLarge());
          if (cause instanceof IllegalRequestException ire) {
            // toStrict reports an oversized body as "Request too large" with status 400.
            boolean large = ire.status().intValue() == 413 || ire.info().summary().contains("too large");
            return complete(large ? tooLarge() : Responses.error(StatusCodes.BAD_REQUEST, ire.info().summary()));
          }
          return complete(failure(e));
        })
        .build();
  }

  private HttpResponse tooLarge() {
    return Responses.error(StatusCodes.PAYLOAD_TOO_LARGE, "the request body is larger than the limit of "
        + (bodyLimit >= 1024 ? bodyLimit / 1024 + " KB" : bodyLimit + " bytes"));
  }

  /** Pekko's own rejections (unknown path, wrong method...) in Tork's JSON error shape. */
  private RejectionHandler rejections() {
    return jsonErrors(RejectionHandler.defaultHandler());
  }

  private RejectionHandler jsonErrors(RejectionHandler handler) {
    return handler.mapRejectionResponse(response -> {
      if (response.status().intValue() == 413) return tooLarge();
      if (response.entity() instanceof HttpEntity.Strict strict) {
        String text = strict.getData().decodeString(StandardCharsets.UTF_8);
        if (!text.startsWith("{")) return Responses.error(response.status(), text);
      }
      return response;
    });
  }
}
