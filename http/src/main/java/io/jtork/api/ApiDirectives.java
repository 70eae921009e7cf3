package io.jtork.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.jtork.metrics.JtorkMetrics;
import io.jtork.auth.Principal;
import io.jtork.auth.UserStore;
import io.jtork.job.IdempotencyKeys;
import io.jtork.json.Json;
import io.jtork.model.Ids;
import io.jtork.node.JtorkNode;
import io.jtork.node.NodeSettings;
import io.jtork.spec.InvalidSpecException;
import io.jtork.spec.JobSpecReader;
import io.jtork.spec.PermissionSpec;
import io.jtork.spec.SpecError;
import io.jtork.spec.SpecLocations;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.http.cors.javadsl.CorsDirectives;
import org.apache.pekko.http.cors.javadsl.settings.CorsSettings;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The directives every resource shares: limits (CORS, rate), the database gate, who is asking,
 * reading bodies and parameters, blocking calls, and "the visible one with this id, or 404".
 */
final class ApiDirectives extends AllDirectives {
  private final NodeSettings settings;
  private final Config config;
  private final UserStore users;
  private final Executor blocking;
  private final DatabaseGate gate;
  private final ApiErrors errors;
  private final Authenticator authenticator;
  private final RateLimiter rateLimiter;
  private final long bodyLimit;
  private final JtorkMetrics metrics;

  ApiDirectives(JtorkNode node, Executor blocking, DatabaseGate gate, ApiErrors errors) {
    this.settings = node.settings();
    this.config = node.system().settings().config();
    this.users = node.users();
    this.blocking = blocking;
    this.gate = gate;
    this.errors = errors;
    this.authenticator = new Authenticator(users, blocking, settings.authThrottle());
    this.rateLimiter = settings.rateLimitEnabled() ? new RateLimiter(settings.rateLimitPerSecond()) : null;
    this.bodyLimit = settings.bodyLimitBytes();
    this.metrics = JtorkMetrics.get(node.system());
  }

  // ---- metrics -------------------------------------------------------------------------------

  /** Each request's method, route (a template: no ids), status and time, in the node's metrics. */
  Route measured(Supplier<Route> inner) {
    return extractRequest(request -> {
      long start = System.nanoTime();
      return mapResponse(response -> {
        metrics.httpRequest(request.method().value(), routeOf(request.getUri().path()), response.status().intValue(),
            System.nanoTime() - start);
        return response;
      }, inner);
    });
  }

  /** The API's path words; any other segment is an id or a name ({@code {id}}), so a route is a template. */
  private static final Set<String> PATH_WORDS = Set.of("jobs", "scheduled-jobs", "tasks", "users", "roles", "me",
      "keys", "nodes", "cluster", "queues", "metrics", "prometheus", "admin", "replay", "health", "log", "events",
      "cancel", "restart", "pause", "resume", "stream");

  /**
   * {@code path} as a label of bounded cardinality: {@code /jobs/{id}/log}; a path that is none of
   * the API's, or deeper than four segments, is {@code other}.
   */
  static String routeOf(String path) {
    String[] segments = path.split("/");
    StringBuilder route = new StringBuilder();
    int depth = 0;
    for (String segment : segments) {
      if (segment.isEmpty()) continue;
      if (++depth > 4 || depth == 1 && !PATH_WORDS.contains(segment)) return "other";
      route.append('/').append(PATH_WORDS.contains(segment) ? segment : "{id}");
    }
    return depth == 0 ? "/" : route.toString();
  }

  // ---- limits and gates ----------------------------------------------------------------------

  /** CORS (pekko-http-cors) and the per-address rate limit, each when configured. */
  Route limits(Supplier<Route> inner) {
    Supplier<Route> limited = rateLimiter == null ? inner : () -> clientAddress(client -> rateLimiter.allow(client)
        ? inner.get() : complete(Responses.retryAfter(StatusCodes.TOO_MANY_REQUESTS, 1,
            "too many requests: at most " + rateLimiter.perSecond() + " a second from one address")));
    if (!settings.corsEnabled()) return limited.get();
    var cors = ConfigFactory.parseMap(Map.of(
        "pekko.http.cors.allowed-origins", settings.corsAllowedOrigins().contains("*") ? "*"
            : String.join(" ", settings.corsAllowedOrigins()),
        "pekko.http.cors.allowed-methods", List.of("GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS")))
        .withFallback(config);
    return handleRejections(errors.jsonErrors(CorsDirectives.corsRejectionHandler()),
        () -> CorsDirectives.cors(CorsSettings.create(cors), limited));
  }

  /** 503 at once while the database does not answer (see {@link DatabaseGate}). */
  Route databaseUp(Supplier<Route> inner) {
    Route served = inner.get();
    Route unavailable = complete(Responses.error(StatusCodes.SERVICE_UNAVAILABLE,
        "the database is unavailable; the request was not carried out, try again"));
    // Decided per request: the lambda runs for each one, the routes are built once.
    return extractRequestContext(ctx -> gate.isUp() ? served : unavailable);
  }

  // ---- who is asking -------------------------------------------------------------------------

  /**
   * Every route but {@code /health} runs as someone: with {@code jtork.auth.enabled}, the user of
   * the {@code Authorization} header (401 without one or with a wrong one); else Tork's guest.
   */
  Route authenticated(Function<Principal, Route> inner) {
    if (!settings.authEnabled()) return inner.apply(Principal.GUEST);
    return optionalHeaderValueByName("Authorization", header -> header.isEmpty()
        ? complete(unauthorized("authentication required: use HTTP Basic or Authorization: Bearer <API key>"))
        : clientAddress(address -> onSuccess(authenticator.authenticate(header.get(), address), outcome -> {
          if (outcome instanceof Authenticator.Outcome.Allowed a) return inner.apply(a.principal());
          if (outcome instanceof Authenticator.Outcome.Throttled t) {
            long seconds = LoginThrottle.seconds(t.retryIn());
            return complete(Responses.retryAfter(StatusCodes.TOO_MANY_REQUESTS, seconds, "too many failed sign-ins"
                + " from this address or for this user: try again in " + seconds + (seconds == 1 ? " second" : " seconds")
                + " (at " + Instant.now().plusSeconds(seconds).truncatedTo(ChronoUnit.SECONDS) + ")"));
          }
          if (outcome instanceof Authenticator.Outcome.Busy) {
            return complete(Responses.retryAfter(StatusCodes.SERVICE_UNAVAILABLE, 1,
                "too many sign-ins are being checked at once: try again in 1 second"));
          }
          return complete(unauthorized("invalid credentials"));
        })));
  }

  /** The peer's address ({@code remote-address-attribute}; not X-Forwarded-For, which any client can write). */
  private Route clientAddress(Function<String, Route> inner) {
    return optionalAttribute(AttributeKeys.remoteAddress, address -> inner.apply(
        address.flatMap(a -> a.getAddress()).map(InetAddress::getHostAddress).orElse("?")));
  }

  private static HttpResponse unauthorized(String message) {
    return Responses.error(StatusCodes.UNAUTHORIZED, message)
        .addHeader(HttpHeader.parse("WWW-Authenticate", "Basic realm=\"jtork\""));
  }

  /** 403 unless {@code who} is an administrator. */
  Route admin(Principal who, Supplier<Route> inner) {
    return who.admin() ? inner.get()
        : complete(Responses.error(StatusCodes.FORBIDDEN, "only administrators may do this"));
  }

  // ---- the visible one with this id ----------------------------------------------------------

  /** 404 {@code <what> not found} for an id that no job, scheduled job or task can have. */
  Route validId(String what, String id, Supplier<Route> inner) {
    return Ids.isValid(id) ? inner.get() : complete(Responses.notFound(what));
  }

  /**
   * The {@code what} with this id, as {@code find} finds it, if {@code who} may see it (its
   * {@code permissions}); else 404 {@code <what> not found}. A malformed id, one that names nothing
   * and one that {@code who} may not see answer alike, so that what exists does not show.
   */
  <T> Route visible(String what, String id, Principal who, Function<String, CompletionStage<Optional<T>>> find,
      Function<T, List<PermissionSpec>> permissions, Function<T, Route> inner) {
    return validId(what, id, () -> onSuccess(find.apply(id), found -> found
        .filter(t -> who.mayAccess(permissions.apply(t))).map(inner)
        .orElseGet(() -> complete(Responses.notFound(what)))));
  }

  // ---- what the request carries --------------------------------------------------------------

  /** {@code page} and {@code size} ({@link Paging}), {@code size} from {@code defaultSize} and at most {@code maxSize}. */
  Route paged(int defaultSize, int maxSize, Function<Paging, Route> inner) {
    return parameterOptional("page", page -> parameterOptional("size", size ->
        inner.apply(Paging.of(page, size, defaultSize, maxSize))));
  }

  /**
   * The request's {@code Idempotency-Key}, if it has one: a submission sent again with the same key
   * gets the job (or scheduled job) the first one created (see {@link IdempotencyKeys}). A key
   * that cannot be used is a 400 that says why.
   */
  private Route idempotencyKey(Function<Optional<String>, Route> inner) {
    return optionalHeaderValueByName("Idempotency-Key", key -> {
      Optional<String> problem = key.flatMap(IdempotencyKeys::problem);
      return problem.isPresent() ? complete(Responses.error(StatusCodes.BAD_REQUEST, problem.get()))
          : inner.apply(key);
    });
  }

  /** A job document (JSON or YAML, by content type, within the body limit), handed to {@code inner}. */
  private Route document(BiFunction<String, JobSpecReader.Format, Route> inner) {
    return extractRequestEntity(entity -> {
      var mediaType = entity.getContentType().mediaType().toString();
      Optional<JobSpecReader.Format> format = JobSpecReader.Format.ofContentType(mediaType);
      if (format.isEmpty()) {
        return complete(Responses.error(StatusCodes.BAD_REQUEST, "unknown content type: " + mediaType
            + " (send the job as application/json, text/yaml or application/x-yaml)"));
      }
      return body(text -> inner.apply(text, format.get()));
    });
  }

  /** A small JSON body ({@code POST /users}, {@code /roles}...), or a 400 naming the problem. */
  Route jsonBody(Function<JsonNode, Route> inner) {
    return body(text -> {
      try {
        var node = Json.json().readTree(text);
        if (node == null || !node.isObject()) return complete(Responses.error(StatusCodes.BAD_REQUEST,
            "expected a JSON object"));
        return inner.apply(node);
      } catch (JsonProcessingException e) {
        return complete(Responses.error(StatusCodes.BAD_REQUEST, "invalid JSON: " + e.getOriginalMessage()));
      }
    });
  }

  /** The body as text, read whole within the body limit. */
  private Route body(Function<String, Route> inner) {
    return withSizeLimit(bodyLimit, () -> extractStrictEntity(Duration.ofSeconds(10), bodyLimit, strict ->
        inner.apply(strict.getData().decodeString(StandardCharsets.UTF_8))));
  }

  /** How a job document becomes a spec: a job's or a scheduled job's. */
  interface SpecParser<S> {
    S parse(String document, JobSpecReader.Format format) throws InvalidSpecException;
  }

  /**
   * A submitted {@code what} (job or scheduled job): its {@link #idempotencyKey}, its
   * {@link #document} parsed by {@code parser}, and, as in Tork, the users and roles its
   * {@code permissions} name must exist; else a 400 listing what is wrong.
   */
  <S> Route submission(String what, SpecParser<S> parser, Function<S, List<PermissionSpec>> permissions,
      BiFunction<S, Optional<String>, Route> inner) {
    return idempotencyKey(key -> document((text, format) -> {
      S spec;
      try {
        spec = parser.parse(text, format);
      } catch (InvalidSpecException e) {
        return complete(rejected(what, e.errors(), text, format));
      }
      List<PermissionSpec> named = permissions.apply(spec);
      // Most specs name no one: no lookup, and no hop to the blocking dispatcher and back.
      if (named.isEmpty()) return inner.apply(spec, key);
      return onSuccess(blocking(() -> permissionErrors(named)), problems -> problems.isEmpty()
          ? inner.apply(spec, key) : complete(rejected(what, problems, text, format)));
    }));
  }

  /** A rejected {@code document}'s 400: its errors, each with the line it names (of those shown). */
  private static HttpResponse rejected(String what, List<SpecError> errors, String document, JobSpecReader.Format format) {
    List<String> shown = errors.stream().limit(Responses.MAX_ERRORS).map(SpecError::path).toList();
    return Responses.invalid(what, errors, SpecLocations.of(document, format, shown));
  }

  private List<SpecError> permissionErrors(List<PermissionSpec> permissions) throws SQLException {
    List<String> named = permissions.stream().filter(p -> p != null && p.user() != null).map(PermissionSpec::user).toList();
    List<String> roles = permissions.stream().filter(p -> p != null && p.role() != null).map(PermissionSpec::role).toList();
    // Each name is looked up once, however often it is named.
    Set<String> unknownUsers = new HashSet<>(users.unknownUsers(named));
    Set<String> unknownRoles = new HashSet<>(users.unknownRoles(roles));
    List<SpecError> problems = new ArrayList<>();
    for (int i = 0; i < permissions.size(); i++) {
      PermissionSpec p = permissions.get(i);
      if (p == null) continue;
      if (p.user() != null && unknownUsers.contains(p.user())) {
        problems.add(new SpecError("permissions[" + i + "].user", "user \"" + p.user() + "\" does not exist"));
      }
      if (p.role() != null && unknownRoles.contains(p.role())) {
        problems.add(new SpecError("permissions[" + i + "].role", "role \"" + p.role() + "\" does not exist"));
      }
    }
    return problems;
  }

  // ---- answering -----------------------------------------------------------------------------

  /** A call that may block (the database, a password hash), as the blocking dispatcher runs it. */
  interface BlockingCall<T> {
    T call() throws Exception;
  }

  /** Runs {@code call} on the blocking dispatcher, off the actors' threads. */
  <T> CompletableFuture<T> blocking(BlockingCall<T> call) {
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

  /** Completes with {@code response}; if it fails, with the error that says why ({@link ApiErrors#failure}). */
  Route respond(CompletionStage<HttpResponse> response) {
    return completeWithFuture(response.exceptionally(errors::failure));
  }

  /** The error that says why a request failed with {@code t} ({@link ApiErrors#failure}). */
  HttpResponse failure(Throwable t) {
    return errors.failure(t);
  }
}
