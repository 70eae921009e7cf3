package io.jtork.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.jtork.json.Json;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Iterator;
import java.util.function.Predicate;
import java.util.stream.Stream;
import picocli.CommandLine.Option;

/** The options and the HTTP client of the commands that talk to a running node's API. */
final class ClientOptions {
  @Option(names = "--endpoint", paramLabel = "URL", description = "A coordinator (default ${DEFAULT-VALUE}).",
      defaultValue = "${env:JTORK_ENDPOINT:-http://localhost:8000}")
  String endpoint;

  @Option(names = "--user", paramLabel = "NAME:PASSWORD", description = "Credentials when auth is on.",
      defaultValue = "${env:JTORK_USER}")
  String user;

  // HTTP/1.1: a stream holds its own connection, and no h2c upgrade is attempted on plain http.
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
      .version(HttpClient.Version.HTTP_1_1).build();

  /** The node's answer: its status and its JSON body (missing when the body is not JSON). */
  record Answer(int status, JsonNode body) {
    /** The error message the API gave, or what happened. */
    String message() {
      return body.path("message").asText("answered " + status);
    }

    boolean ok() {
      return status / 100 == 2;
    }
  }

  /** A request that failed: the API's error, or a node that does not answer. One line, for stderr. */
  static final class Failure extends RuntimeException {
    Failure(String message) {
      super(message, null, false, false);
    }
  }

  /** Sends {@code method path} (no body); an unreachable node throws. */
  Answer send(String method, String path) throws IOException, InterruptedException {
    return send(method, path, null, null);
  }

  /** Sends {@code method path} with {@code body} of {@code contentType} (none when null). */
  Answer send(String method, String path, String contentType, String body) throws IOException, InterruptedException {
    HttpRequest.Builder b = request(path).timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) b.header("Content-Type", contentType);
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Answer(r.statusCode(), parse(r.body()));
  }

  /**
   * {@code GET path}, which must answer 2xx: its body; else a {@link Failure} with the API's
   * message ({@code notFound} for a 404, when given).
   */
  JsonNode get(String path, String notFound) throws IOException, InterruptedException {
    return expect(send("GET", path), notFound);
  }

  /** The body of a 2xx answer, or a {@link Failure} that says what went wrong. */
  static JsonNode expect(Answer a, String notFound) {
    if (a.ok()) return a.body();
    if (a.status() == 404 && notFound != null) throw new Failure(notFound);
    throw new Failure(describe(a));
  }

  /**
   * The API's error on one line: its message, and the path of each of its {@code errors} that
   * the message does not already name (a long message is cut by the node).
   */
  static String describe(Answer a) {
    StringBuilder s = new StringBuilder(a.message().replace('\n', ' '));
    List<String> missing = new ArrayList<>();
    for (JsonNode e : a.body().path("errors")) {
      String path = e.path("path").asText("");
      if (!path.isEmpty() && !s.toString().contains(path)) missing.add(path + ": " + e.path("message").asText());
    }
    if (!missing.isEmpty()) s.append("; ").append(String.join("; ", missing));
    int total = a.body().path("totalErrors").asInt(0);
    if (total > a.body().path("errors").size()) s.append(" (").append(total).append(" errors in all)");
    return s.toString();
  }

  /** What to print when the node does not answer at all. */
  String unreachable(IOException e) {
    String why = null;
    for (Throwable t = e; t != null && why == null; t = t.getCause()) why = t.getMessage();
    if (why == null) {
      why = e instanceof ConnectException ? "connection refused" : e.getClass().getSimpleName();
    }
    return endpoint + " does not answer: " + why;
  }

  /** One Server-Sent Event: its {@code event} (default {@code message}), {@code id} (or null) and data. */
  record ServerSentEvent(String event, String id, String data) {
    JsonNode json() {
      return parse(data);
    }
  }

  /** An open event stream, or the status it was refused with. */
  record EventStream(int status, Stream<String> lines) implements AutoCloseable {
    @Override
    public void close() {
      if (lines != null) lines.close();
    }
  }

  /** Opens {@code GET path} as {@code text/event-stream}, resuming after {@code lastEventId} when not null. */
  EventStream stream(String path, String lastEventId) throws IOException, InterruptedException {
    HttpRequest.Builder b = request(path).header("Accept", "text/event-stream").GET();
    if (lastEventId != null) b.header("Last-Event-ID", lastEventId);
    HttpResponse<Stream<String>> r = http.send(b.build(), HttpResponse.BodyHandlers.ofLines());
    if (r.statusCode() != 200) {
      r.body().close();
      return new EventStream(r.statusCode(), null);
    }
    return new EventStream(200, r.body());
  }

  /**
   * Reads Server-Sent Events from {@code lines} until they end (or {@code onEvent} answers false):
   * {@code field: value} lines, a blank line ends an event, {@code :} lines are comments (heartbeats).
   *
   * @return false when {@code onEvent} stopped the reading
   */
  static boolean readEvents(Stream<String> lines, Predicate<ServerSentEvent> onEvent) {
    String event = null;
    String id = null;
    StringBuilder data = null;
    for (Iterator<String> it = lines.iterator(); it.hasNext(); ) {
      String line = it.next();
      if (line.isEmpty()) {
        if (data != null) {
          if (!onEvent.test(new ServerSentEvent(event == null ? "message" : event, id, data.toString()))) return false;
        }
        event = null;
        data = null;
        continue;
      }
      if (line.startsWith(":")) continue;
      int colon = line.indexOf(':');
      String field = colon < 0 ? line : line.substring(0, colon);
      String value = colon < 0 ? "" : line.substring(colon + 1);
      if (value.startsWith(" ")) value = value.substring(1);
      switch (field) {
        case "event" -> event = value;
        case "id" -> id = value;
        case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
        default -> { } // retry, and fields SSE does not know
      }
    }
    return true;
  }

  /** {@code value} for a query string. */
  static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(endpoint.replaceAll("/+$", "") + path));
    if (user != null && !user.isBlank()) {
      b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(user.getBytes(StandardCharsets.UTF_8)));
    }
    return b;
  }

  private static JsonNode parse(String text) {
    try {
      JsonNode n = Json.json().readTree(text);
      return n == null ? MissingNode.getInstance() : n;
    } catch (JsonProcessingException e) {
      return MissingNode.getInstance();
    }
  }
}
