package io.jtork.sse;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.jtork.json.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The live log stream's promise, checked over real HTTP: while a job writes {@link #LINES} lines
 * over about 5 s (each line carries the instant it was written), one client reads
 * {@code GET /jobs/{id}/log/stream} from start to end, and another reads half of it, goes away,
 * and comes back with {@code Last-Event-ID}. The first must get every line in order, each within
 * 1.5 s of being written, then {@code end}; the second, after its reconnect, exactly the rest.
 */
public final class LogStreamCheck {
  public static final int LINES = 50;
  /** The job: {@link #LINES} lines, one every 0.1 s, "line N <epoch millis>". */
  public static final String JOB = "name: fifty lines\ntasks:\n- name: writes\n  run: |\n"
      + "    for i in $(seq 1 " + LINES + "); do echo \"line $i $(date +%s%3N)\"; sleep 0.1; done\n";
  public static final long MAX_DELAY_MILLIS = 1500;

  private LogStreamCheck() {}

  /** A log event's lines, each with the instant it was written. */
  record Line(int number, long writtenAt, long receivedAt, String eventId) {}

  /** Runs the check on the job {@code jobId}, just submitted (it runs {@link #JOB}) to the node at {@code base}. */
  public static void check(String base, String jobId, Map<String, String> headers) throws Exception {
    String url = base + "/jobs/" + jobId + "/log/stream";
    CompletableFuture<List<SseReader.Event>> whole = CompletableFuture.supplyAsync(() -> readAll(url, headers));
    // The second client: half of the stream, then a reconnect after the last event it got.
    List<SseReader.Event> firstHalf = new ArrayList<>();
    try (SseReader r = SseReader.open(url, headers)) {
      assertThat(r.status).as(r.errorBody).isEqualTo(200);
      assertThat(r.contentType).startsWith("text/event-stream");
      while (lines(firstHalf).size() < LINES / 2) {
        SseReader.Event e = r.next(Duration.ofSeconds(10));
        assertThat(e).as("an event within 10 s, after %s", firstHalf).isNotNull();
        assertThat(e.type()).as("no end halfway").isEqualTo("log");
        firstHalf.add(e);
      }
    }
    String lastSeen = firstHalf.get(firstHalf.size() - 1).id();
    Map<String, String> resume = new HashMap<>(headers);
    resume.put("Last-Event-ID", lastSeen);
    List<SseReader.Event> rest = readAll(url, resume);

    List<SseReader.Event> all = whole.get(60, TimeUnit.SECONDS);
    assertThat(all).as("events").isNotEmpty();
    assertThat(all.get(all.size() - 1).type()).as("the last event").isEqualTo("end");
    assertThat(Json.json().readTree(all.get(all.size() - 1).data()).path("state").asText()).isEqualTo("COMPLETED");
    List<Line> lines = lines(all);
    assertThat(lines).extracting(Line::number).as("every line, in order")
        .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, LINES).boxed().toList());
    for (Line l : lines) {
      assertThat(l.receivedAt() - l.writtenAt()).as("line %d arrived %d ms after it was written", l.number(),
          l.receivedAt() - l.writtenAt()).isLessThanOrEqualTo(MAX_DELAY_MILLIS);
    }
    long worst = lines.stream().mapToLong(l -> l.receivedAt() - l.writtenAt()).max().orElse(0);
    System.out.printf("log stream of %s: %d lines, delays %d to %d ms; slowest %s%n", base, lines.size(),
        lines.stream().mapToLong(l -> l.receivedAt() - l.writtenAt()).min().orElse(0), worst,
        lines.stream().sorted((a, b) -> Long.compare(b.receivedAt() - b.writtenAt(), a.receivedAt() - a.writtenAt()))
            .limit(3).map(l -> "line " + l.number() + ": " + (l.receivedAt() - l.writtenAt()) + " ms").toList());
    // Ids rise, so that a client can resume after any of them.
    List<Long> ids = all.stream().filter(e -> e.type().equals("log")).map(e -> Long.parseLong(e.id())).toList();
    assertThat(ids).isSorted().doesNotHaveDuplicates();

    // After the reconnect: exactly the events after the last one seen, then end.
    List<String> expected = all.stream().filter(e -> e.type().equals("log"))
        .filter(e -> Long.parseLong(e.id()) > Long.parseLong(lastSeen)).map(SseReader.Event::data).toList();
    assertThat(rest.get(rest.size() - 1).type()).isEqualTo("end");
    assertThat(rest.subList(0, rest.size() - 1)).extracting(SseReader.Event::data).containsExactlyElementsOf(expected);
    List<Integer> together = new ArrayList<>(lines(firstHalf).stream().map(Line::number).toList());
    together.addAll(lines(rest).stream().map(Line::number).toList());
    assertThat(together).as("the first half and the rest").containsExactlyElementsOf(
        java.util.stream.IntStream.rangeClosed(1, LINES).boxed().toList());
  }

  private static List<SseReader.Event> readAll(String url, Map<String, String> headers) {
    long t0 = System.currentTimeMillis();
    try (SseReader r = SseReader.open(url, headers)) {
      System.out.printf("stream %s answered in %d ms%n", url, System.currentTimeMillis() - t0);
      assertThat(r.status).as(r.errorBody).isEqualTo(200);
      return r.untilClosed(Duration.ofSeconds(20));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static List<Line> lines(List<SseReader.Event> events) {
    List<Line> out = new ArrayList<>();
    for (SseReader.Event e : events) {
      if (!e.type().equals("log")) continue;
      JsonNode part;
      try {
        part = Json.json().readTree(e.data());
      } catch (Exception x) {
        throw new AssertionError("not JSON: " + e.data(), x);
      }
      for (String line : part.path("contents").asText().split("\n")) {
        String[] w = line.trim().split(" ");
        if (w.length == 3 && w[0].equals("line")) {
          out.add(new Line(Integer.parseInt(w[1]), Long.parseLong(w[2]), e.receivedAtMillis(), e.id()));
        }
      }
    }
    return out;
  }
}
