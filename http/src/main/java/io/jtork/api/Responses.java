package io.jtork.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.jtork.json.Json;
import io.jtork.spec.SpecError;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
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

  static HttpResponse error(StatusCode status, String message) {
    return json(status, Map.of("message", message));
  }

  /** A rejected job: all its errors, joined in {@code message} and listed in {@code errors}. */
  static HttpResponse invalid(String what, List<SpecError> errors) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("message", "invalid " + what + ": " + String.join("; ", errors.stream().map(SpecError::toString).toList()));
    body.put("errors", errors.stream().map(e -> Map.of("path", e.path(), "message", e.message())).toList());
    return json(StatusCodes.BAD_REQUEST, body);
  }
}
