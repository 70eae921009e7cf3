package io.jtork.sse;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reads a Server-Sent Events stream over a real HTTP connection, as a browser's EventSource does:
 * each event with the time it arrived, comment lines (heartbeats) counted.
 */
public final class SseReader implements AutoCloseable {
  /** One event; {@code type} is {@code message} when the server named none. */
  public record Event(String type, String id, String data, long receivedAtMillis) {}

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final Event CLOSED = new Event("", null, "", 0);

  public final int status;
  public final String contentType;
  public final String errorBody;
  private final InputStream body;
  private final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();
  private final AtomicInteger comments = new AtomicInteger();

  private SseReader(HttpResponse<InputStream> r) throws IOException {
    this.status = r.statusCode();
    this.contentType = r.headers().firstValue("Content-Type").orElse("");
    this.body = r.body();
    if (status != 200) {
      this.errorBody = new String(body.readAllBytes(), StandardCharsets.UTF_8);
      events.add(CLOSED);
      return;
    }
    this.errorBody = null;
    Thread t = new Thread(this::read, "sse-reader");
    t.setDaemon(true);
    t.start();
  }

  /** Opens {@code url} with these request headers (such as {@code Last-Event-ID} or {@code Authorization}). */
  public static SseReader open(String url, Map<String, String> headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream").GET();
    headers.forEach(b::header);
    return new SseReader(HTTP.send(b.build(), HttpResponse.BodyHandlers.ofInputStream()));
  }

  private void read() {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
      String type = null;
      String id = null;
      StringBuilder data = null;
      String line;
      while ((line = in.readLine()) != null) {
        if (line.isEmpty()) {
          if (data != null) {
            events.add(new Event(type == null ? "message" : type, id, data.toString(), System.currentTimeMillis()));
          }
          type = null;
          id = null;
          data = null;
        } else if (line.startsWith(":")) {
          comments.incrementAndGet();
        } else {
          int colon = line.indexOf(':');
          String field = colon < 0 ? line : line.substring(0, colon);
          String value = colon < 0 ? "" : line.substring(colon + 1).replaceFirst("^ ", "");
          switch (field) {
            case "event" -> type = value;
            case "id" -> id = value;
            case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
            default -> { }
          }
        }
      }
    } catch (IOException e) {
      // closed by the test, or by the server
    } finally {
      events.add(CLOSED);
    }
  }

  /** The next event, or null when the stream closed or none came within {@code timeout}. */
  public Event next(Duration timeout) throws InterruptedException {
    Event e = events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (e == CLOSED) {
      events.add(CLOSED);
      return null;
    }
    return e;
  }

  /** Every event until the stream closes, each within {@code timeout} of the one before. */
  public List<Event> untilClosed(Duration timeout) throws InterruptedException {
    List<Event> out = new ArrayList<>();
    Event e;
    while ((e = next(timeout)) != null) out.add(e);
    return out;
  }

  /** How many comment lines (heartbeats) arrived. */
  public int comments() {
    return comments.get();
  }

  @Override
  public void close() throws IOException {
    body.close();
  }
}
