package io.jtork.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code --streams N}: N live streams held open on the node for the whole benchmark, as clients
 * following jobs would: {@code log} streams and {@code events} streams of jobs of their own, and
 * {@code jobs} streams ({@code GET /events/stream}, every job's changes, as a UI holds), in the
 * proportions {@code --stream-mix} gives. The jobs followed wait on a queue no worker serves, so
 * they hold their streams open without taking the benchmark's task slots. The bytes each stream
 * receives are counted and dropped, as a client that renders them would read them.
 */
final class OpenStreams implements AutoCloseable {
  private static final Pattern ID = Pattern.compile("\"id\":\"([0-9a-f]{32})\"");

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final List<CompletableFuture<HttpResponse<Void>>> open = new ArrayList<>();
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicLong events = new AtomicLong();
  private final String summary;

  /** Opens {@code n} streams on {@code base}; {@code mix} is "log=45,events=45,jobs=10" (percentages). */
  OpenStreams(String base, int n, String mix) throws Exception {
    int log = 0;
    int ev = 0;
    for (String part : mix.split(",")) {
      String[] kv = part.trim().split("=");
      int share = (int) Math.round(n * Integer.parseInt(kv[1]) / 100.0);
      switch (kv[0]) {
        case "log" -> log = share;
        case "events" -> ev = share;
        case "jobs" -> { }
        default -> throw new IllegalArgumentException("--stream-mix: unknown kind " + kv[0] + " (log, events, jobs)");
      }
    }
    log = Math.min(log, n);
    ev = Math.min(ev, n - log);
    int jobs = n - log - ev;
    for (int i = 0; i < log + ev; i++) {
      String id = waitingJob(base, i);
      open(base + "/jobs/" + id + (i < log ? "/log/stream" : "/events/stream"));
    }
    for (int i = 0; i < jobs; i++) open(base + "/events/stream");
    this.summary = String.format(Locale.ROOT, "%d streams (%d log, %d events, %d jobs)", n, log, ev, jobs);
  }

  private String waitingJob(String base, int i) throws Exception {
    String job = "{\"name\":\"followed " + i + "\",\"tasks\":[{\"name\":\"waits\",\"queue\":\"nobody-serves-this\","
        + "\"run\":\"true\"}]}";
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/jobs"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(job)).build(),
        HttpResponse.BodyHandlers.ofString());
    Matcher m = ID.matcher(r.body());
    if (r.statusCode() != 200 || !m.find()) throw new IllegalStateException("submit: " + r.statusCode() + " " + r.body());
    return m.group(1);
  }

  private void open(String url) {
    HttpRequest req = HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream").GET().build();
    open.add(http.sendAsync(req, HttpResponse.BodyHandlers.ofByteArrayConsumer(chunk -> chunk.ifPresent(b -> {
      bytes.addAndGet(b.length);
      // Each event has one "id:" line; counted on the bytes, as cheaply as a client could read them.
      for (int i = 0; i + 3 < b.length; i++) {
        if (b[i] == '\n' && b[i + 1] == 'i' && b[i + 2] == 'd' && b[i + 3] == ':') events.incrementAndGet();
      }
    }))));
  }

  /** How many are open now, and what they received so far. */
  String report() {
    long alive = open.stream().filter(f -> !f.isDone()).count();
    return String.format(Locale.ROOT, "%s: %d still open, %d events, %.1f MB received", summary, alive, events.get(),
        bytes.get() / 1e6);
  }

  @Override
  public void close() {
    open.forEach(f -> f.cancel(true));
  }
}
