package io.jtork.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.jtork.json.Json;
import io.jtork.sse.LogStreamCheck;
import io.jtork.sse.SseReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The live streams over real HTTP, on each database: the log stream's promise (every line in
 * order and on time, {@code end}, resuming after {@code Last-Event-ID}), a job's history as a
 * stream, every job's changes, heartbeats, and the errors.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class LiveStreamsContract extends NodePerClass {
  /** Heartbeats every half second, so that a test sees some. */
  static final Map<String, Object> SETTINGS = Map.of("jtork.streams.heartbeat", "500ms");

  @Test
  void aLogStreamSendsEveryLineInOrderOnTimeAndResumesAfterLastEventId() throws Exception {
    LogStreamCheck.check(node.base, node.submit(LogStreamCheck.JOB), Map.of());
  }

  @Test
  void aFinishedJobsLogStreamSendsItsWholeLogRedactedThenEnd() throws Exception {
    String id = node.submit("name: short\nsecrets: {KEY: hush-hush-42}\ntasks:\n- name: a\n"
        + "  env: {K: '{{ secrets.KEY }}'}\n  run: echo one; echo $K; echo two\n- name: b\n  run: echo three\n");
    node.awaitState(id, "COMPLETED");
    try (SseReader r = SseReader.open(node.base + "/jobs/" + id + "/log/stream", Map.of())) {
      List<SseReader.Event> events = r.untilClosed(Duration.ofSeconds(10));
      assertThat(events).extracting(SseReader.Event::type).last().isEqualTo("end");
      String text = String.join("", events.stream().filter(e -> e.type().equals("log"))
          .map(e -> json(e).path("contents").asText()).toList());
      assertThat(text).containsSubsequence("one", "[REDACTED]", "two", "three").doesNotContain("hush-hush-42");
    }
  }

  @Test
  void aJobsEventsStreamSendsItsHistoryRedactedThenEndAndResumes() throws Exception {
    String id = node.submit("""
        name: with a secret
        secrets: {TOKEN: s3cr3t-value}
        tasks:
        - name: first
          run: echo {{ secrets.TOKEN }}; sleep 1
        - name: second
          run: echo done
        """);
    List<SseReader.Event> all;
    try (SseReader r = SseReader.open(node.base + "/jobs/" + id + "/events/stream", Map.of())) {
      assertThat(r.status).as(r.errorBody).isEqualTo(200);
      all = r.untilClosed(Duration.ofSeconds(30));
    }
    assertThat(all).extracting(SseReader.Event::type).last().isEqualTo("end");
    assertThat(json(all.get(all.size() - 1)).path("state").asText()).isEqualTo("COMPLETED");
    List<SseReader.Event> entries = all.subList(0, all.size() - 1);
    assertThat(entries).extracting(SseReader.Event::type).containsOnly("event");
    assertThat(entries).extracting(e -> Long.parseLong(e.id())).as("sequence numbers, each once, in order")
        .isEqualTo(java.util.stream.LongStream.rangeClosed(1, entries.size()).boxed().toList());
    assertThat(entries).extracting(e -> json(e).path("type").asText())
        .contains("JobSubmitted", "TaskStarted", "TaskCompleted", "JobCompleted");
    assertThat(all).allSatisfy(e -> assertThat(e.data()).doesNotContain("s3cr3t-value"));
    // What GET /jobs/{id}/events shows, the stream showed.
    JsonNode page = node.get("/jobs/" + id + "/events?size=1000").json();
    assertThat(page.path("totalItems").asInt()).isEqualTo(entries.size());
    for (int i = 0; i < entries.size(); i++) {
      assertThat(json(entries.get(i))).isEqualTo(page.path("items").get(i));
    }
    // Resuming after the third event gives the rest.
    try (SseReader r = SseReader.open(node.base + "/jobs/" + id + "/events/stream", Map.of("Last-Event-ID", "3"))) {
      List<SseReader.Event> rest = r.untilClosed(Duration.ofSeconds(10));
      assertThat(rest).extracting(SseReader.Event::data).containsExactlyElementsOf(
          all.subList(3, all.size()).stream().map(SseReader.Event::data).toList());
    }
  }

  @Test
  void theEventsStreamSendsEveryJobsChangesAndResumesAfterLastEventId() throws Exception {
    List<SseReader.Event> seen = new ArrayList<>();
    String id;
    try (SseReader r = SseReader.open(node.base + "/events/stream", Map.of())) {
      assertThat(r.status).as(r.errorBody).isEqualTo(200);
      id = node.submit("name: watched\ntasks:\n- name: a\n  run: sleep 0.5\n- name: b\n  run: echo b\n");
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (System.nanoTime() < deadline && seen.stream().noneMatch(e -> isJob(e, id, "COMPLETED"))) {
        SseReader.Event e = r.next(Duration.ofSeconds(20));
        assertThat(e).as("a change of job %s within 20 s; seen %s", id, seen).isNotNull();
        seen.add(e);
      }
    }
    assertThat(seen).as("job %s COMPLETED within 30 s", id).anyMatch(e -> isJob(e, id, "COMPLETED"));
    List<SseReader.Event> mine = seen.stream().filter(e -> json(e).path("id").asText().equals(id)).toList();
    assertThat(mine).extracting(SseReader.Event::type).containsOnly("job");
    assertThat(mine).extracting(e -> json(e).path("state").asText()).contains("RUNNING", "COMPLETED");
    assertThat(mine).extracting(e -> Long.parseLong(e.id())).isSorted();
    assertThat(json(mine.get(mine.size() - 1)).path("progress").asDouble()).isEqualTo(100.0);
    // A client that was away since the job's first change gets its state now, once. With no stream
    // open, the node's feed of the journal starts again, from before the client's Last-Event-ID.
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> node.get("/prometheus").body()
        .contains("jtork_http_streams_open{kind=\"jobs\"} 0.0"));
    String from = Long.toString(Long.parseLong(mine.get(0).id()) - 1);
    try (SseReader r = SseReader.open(node.base + "/events/stream", Map.of("Last-Event-ID", from))) {
      List<SseReader.Event> caughtUp = new ArrayList<>();
      SseReader.Event e;
      while ((e = r.next(Duration.ofSeconds(2))) != null) caughtUp.add(e);
      assertThat(caughtUp).extracting(x -> Long.parseLong(x.id())).as("only what came after Last-Event-ID %s", from)
          .allMatch(n -> n > Long.parseLong(from));
      List<SseReader.Event> again = caughtUp.stream().filter(x -> json(x).path("id").asText().equals(id)).toList();
      assertThat(again).hasSize(1);
      assertThat(json(again.get(0)).path("state").asText()).isEqualTo("COMPLETED");
    }
  }

  @Test
  void anIdleStreamGetsHeartbeats() throws Exception {
    String id = node.submit("name: idle\ntasks:\n- name: waits\n  run: sleep 3\n");
    try (SseReader r = SseReader.open(node.base + "/jobs/" + id + "/log/stream", Map.of())) {
      assertThat(node.get("/prometheus").body()).as("the open streams gauge")
          .containsPattern("(?m)^jtork_http_streams_open\\{kind=\"log\"\\} [1-9]");
      List<SseReader.Event> events = r.untilClosed(Duration.ofSeconds(10));
      assertThat(events).extracting(SseReader.Event::type).last().isEqualTo("end");
      assertThat(r.comments()).as("heartbeats every 500 ms over 3 s").isGreaterThanOrEqualTo(3);
    }
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> node.get("/prometheus").body()
        .contains("jtork_http_streams_open{kind=\"log\"} 0.0"));
  }

  @Test
  void aStreamOfAnUnknownJobIsA404AndABadLastEventIdA400() throws Exception {
    for (String path : List.of("/jobs/0123456789abcdef0123456789abcdef/log/stream",
        "/jobs/0123456789abcdef0123456789abcdef/events/stream", "/jobs/not-an-id/log/stream")) {
      try (SseReader r = SseReader.open(node.base + path, Map.of())) {
        assertThat(r.status).as(path).isEqualTo(404);
        assertThat(Json.json().readTree(r.errorBody).path("message").asText()).isEqualTo("job not found");
      }
    }
    String id = node.submit("name: any\ntasks:\n- name: a\n  run: echo a\n");
    for (String path : List.of("/jobs/" + id + "/log/stream", "/jobs/" + id + "/events/stream", "/events/stream")) {
      try (SseReader r = SseReader.open(node.base + path, Map.of("Last-Event-ID", "twelve"))) {
        assertThat(r.status).as(path).isEqualTo(400);
        assertThat(Json.json().readTree(r.errorBody).path("message").asText())
            .isEqualTo("invalid Last-Event-ID \"twelve\": expected the id of an event of this stream (a number, 0 or more)");
      }
    }
  }

  private static boolean isJob(SseReader.Event e, String id, String state) {
    JsonNode j = json(e);
    return j.path("id").asText().equals(id) && j.path("state").asText().equals(state);
  }

  private static JsonNode json(SseReader.Event e) {
    try {
      return Json.json().readTree(e.data());
    } catch (Exception x) {
      throw new AssertionError("not JSON: " + e.data(), x);
    }
  }
}
