package io.jtork.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.jtork.json.Json;
import io.jtork.spec.SpecError;
import io.jtork.spec.SpecLocations;
import io.jtork.text.Shown;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;

/** JSON responses in Tork's shapes, including its error shape {@code {"message": ...}}. */
final class Responses {
  private Responses() {}

  static HttpResponse json(StatusCode status, Object body) {
    try {
      return HttpResponse.create().withStatus(status)
          .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, Json.json().writeValueAsBytes(body)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("could not render a response: " + e.getOriginalMessage(), e);
    }
  }

  static HttpResponse ok(Object body) {
    return json(StatusCodes.OK, body);
  }

  static HttpResponse statusOk() {
    return ok(Map.of("status", "OK"));
  }

  /** The most errors an error body lists; {@code totalErrors} counts them all. */
  static final int MAX_ERRORS = 100;
  /** The longest text (a message, a path, a quoted value) an error body carries. */
  static final int MAX_TEXT = 500;
  /** The longest {@code message} of an error body. */
  static final int MAX_MESSAGE = 4_000;

  static HttpResponse error(StatusCode status, String message) {
    return json(status, Map.of("message", truncate(message, MAX_MESSAGE)));
  }

  /** 404 {@code <what> not found}. */
  static HttpResponse notFound(String what) {
    return error(StatusCodes.NOT_FOUND, what + " not found");
  }

  /** An error with {@code Retry-After: <seconds>}. */
  static HttpResponse retryAfter(StatusCode status, long seconds, String message) {
    return error(status, message).addHeader(HttpHeader.parse("Retry-After", String.valueOf(seconds)));
  }

  /** {@code text} cut to {@value #MAX_TEXT} characters, saying how long it was. */
  static String truncate(String text) {
    return truncate(text, MAX_TEXT);
  }

  static String truncate(String text, int max) {
    return Shown.cut(text, max);
  }

  /**
   * A rejected job: its errors, joined in {@code message} and listed in {@code errors}, at most
   * {@value #MAX_ERRORS} of them, each cut to {@value #MAX_TEXT} characters and with the
   * {@code line} of the document its path names where {@code where} has one; {@code totalErrors}
   * counts them all.
   */
  static HttpResponse invalid(String what, List<SpecError> errors, SpecLocations where) {
    List<SpecError> shown = errors.size() > MAX_ERRORS ? errors.subList(0, MAX_ERRORS) : errors;
    Map<String, Object> body = new LinkedHashMap<>();
    String more = errors.size() > MAX_ERRORS ? "; and " + (errors.size() - MAX_ERRORS) + " more errors" : "";
    body.put("message", truncate("invalid " + what + ": " + String.join("; ",
        shown.stream().map(e -> truncate(e.toString(), 2 * MAX_TEXT)).toList()) + more, 2 * MAX_MESSAGE));
    body.put("errors", shown.stream().map(e -> {
      Map<String, Object> error = new LinkedHashMap<>();
      error.put("path", truncate(e.path()));
      error.put("message", truncate(e.message()));
      where.lineOf(e.path()).ifPresent(line -> error.put("line", line));
      return error;
    }).toList());
    body.put("totalErrors", errors.size());
    return json(StatusCodes.BAD_REQUEST, body);
  }
}
