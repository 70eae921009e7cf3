package io.jtork.api;

import io.jtork.concurrent.Stages;
import io.jtork.job.CreationUnanswered;
import io.jtork.spec.GoDuration;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.http.scaladsl.model.IllegalRequestException;
import org.apache.pekko.pattern.AskTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exceptions and rejections as Tork's JSON errors: a timeout or a database error is a 503 that
 * says which, a body over the limit a 413, Pekko's own rejections keep their status and text.
 */
final class ApiErrors extends AllDirectives {
  private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);

  private final DatabaseGate gate;
  private final long bodyLimit;
  private final Duration askTimeout;

  ApiErrors(DatabaseGate gate, long bodyLimit, Duration askTimeout) {
    this.gate = gate;
    this.bodyLimit = bodyLimit;
    this.askTimeout = askTimeout;
  }

  /**
   * The answer to a request that failed with {@code t}: 503 when the job or the database did not
   * answer (saying, for a creation that cannot safely be sent again, which id to look up), else 500.
   */
  HttpResponse failure(Throwable t) {
    Throwable e = Stages.unwrap(t);
    if (e instanceof CreationUnanswered u) {
      // No Retry-After: sent again, the same request would make a second one if the entity takes
      // the first one late. The id lets the client look that up instead.
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("id", u.id());
      body.put("message", "the " + u.what() + " " + u.id() + " did not answer within " + GoDuration.format(askTimeout)
          + ": " + slowness(u.what(), gate.isUp()) + ". It may still be created: GET "
          + (u.what().equals("job") ? "/jobs/" : "/scheduled-jobs/") + u.id() + " shows it once it is. Sending it"
          + " again makes another " + u.what() + "; with an Idempotency-Key it would not");
      return Responses.json(StatusCodes.SERVICE_UNAVAILABLE, body);
    }
    if (e instanceof TimeoutException || e instanceof AskTimeoutException) {
      boolean up = gate.isUp();
      return Responses.retryAfter(StatusCodes.SERVICE_UNAVAILABLE, 1, "the job did not answer within "
          + GoDuration.format(askTimeout) + ": " + slowness("job", up) + (up ? "; try again in a moment"
          : "; try again once it does"));
    }
    if (e instanceof SQLException) {
      log.warn("database error while answering a request: {}", e.getMessage());
      return Responses.error(StatusCodes.SERVICE_UNAVAILABLE, "the database did not answer; try again");
    }
    log.error("unexpected error while answering a request", e);
    return Responses.error(StatusCodes.INTERNAL_SERVER_ERROR, "internal error");
  }

  /**
   * Why an entity did not answer, as far as this node can tell: if the database answered its last
   * check (once a second), the {@code what} itself is slow, busy with a large change or still
   * recovering.
   */
  private static String slowness(String what, boolean databaseUp) {
    return databaseUp ? "the " + what + " is busy (a large change is being written, or it is still being recovered)"
        : "the database does not answer";
  }

  ExceptionHandler exceptions() {
    return ExceptionHandler.newBuilder()
        .match(Paging.BadParameter.class, e -> complete(Responses.error(StatusCodes.BAD_REQUEST, e.getMessage())))
        .match(EntityStreamSizeException.class, e -> complete(tooLarge()))
        .matchAny(e -> {
          Throwable cause = Stages.unwrap(e);
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
  RejectionHandler rejections() {
    return jsonErrors(RejectionHandler.defaultHandler());
  }

  /** {@code handler}'s answers in Tork's JSON error shape (a 413 says the body limit). */
  RejectionHandler jsonErrors(RejectionHandler handler) {
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
