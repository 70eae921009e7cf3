package io.jtork.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code --follow} against a node that serves the SSE streams of the contract (a fake one, in this
 * test: {@code GET /jobs/{id}}, {@code /log/stream}, {@code /events/stream}, {@code /log}), in
 * plain-line mode: what it prints, that it resumes a broken stream with {@code Last-Event-ID},
 * and that it polls a node without streams.
 */
class JobFollowerTest {
  static final String ID = "0123456789abcdef0123456789abcdef";

  HttpServer server;
  final AtomicReference<String> job = new AtomicReference<>();
  final List<String> lastEventIds = new CopyOnWriteArrayList<>();
  final AtomicInteger eventConnections = new AtomicInteger();
  final CountDownLatch logsSent = new CountDownLatch(1);
  volatile boolean streams = true;
  volatile String finalJob;

  static String job(String state, String buildState, String extra) {
    return """
        {"id": "%s", "name": "fake", "state": "%s", "createdAt": "2026-01-01T10:00:00Z", "position": 1,
         "taskCount": 1, %s
         "tasks": [{"name": "build", "run": "make"}],
         "execution": [{"id": "t1", "jobId": "%s", "position": 1, "name": "build", "state": "%s",
                        "createdAt": "2026-01-01T10:00:00Z", "startedAt": "2026-01-01T10:00:00.500Z" %s}]}
        """.formatted(ID, state, extra, ID, buildState, buildState.equals("COMPLETED")
        ? ", \"completedAt\": \"2026-01-01T10:00:02Z\"" : buildState.equals("FAILED")
        ? ", \"failedAt\": \"2026-01-01T10:00:02Z\", \"error\": \"exit code 2: no rule\"" : "");
  }

  @BeforeEach
  void start() throws IOException {
    job.set(job("RUNNING", "RUNNING", ""));
    finalJob = job("COMPLETED", "COMPLETED", "\"completedAt\": \"2026-01-01T10:00:03.200Z\", \"progress\": 100,");
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/jobs/" + ID, this::handle);
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private void handle(HttpExchange x) throws IOException {
    String path = x.getRequestURI().getPath();
    try (x) {
      if (path.endsWith("/stream") && !streams) {
        send(x, 404, "{\"message\":\"The requested resource could not be found.\"}");
      } else if (path.endsWith("/log/stream")) {
        x.sendResponseHeaders(200, 0);
        OutputStream out = x.getResponseBody();
        sse(out, ": heartbeat\n\n");
        sse(out, "event: log\nid: 1\ndata: {\"id\":\"p1\",\"number\":1,\"taskId\":\"t1\",\"contents\":\"compiling\\nlinking\\n\"}\n\n");
        sse(out, "event: log\nid: 2\ndata: {\"id\":\"p2\",\"number\":2,\"taskId\":\"t1\",\"contents\":\"done\\n\"}\n\n");
        logsSent.countDown();
        awaitQuietly();
        sse(out, "event: end\ndata: {\"id\":\"" + ID + "\",\"state\":\"COMPLETED\"}\n\n");
      } else if (path.endsWith("/events/stream")) {
        lastEventIds.add(String.valueOf(x.getRequestHeaders().getFirst("Last-Event-ID")));
        x.sendResponseHeaders(200, 0);
        OutputStream out = x.getResponseBody();
        if (eventConnections.incrementAndGet() == 1) {
          // Two events, then the connection breaks off.
          sse(out, "event: event\nid: 1\ndata: {\"sequenceNr\":1,\"type\":\"JobSubmitted\"}\n\n");
          sse(out, "event: event\nid: 2\ndata: {\"sequenceNr\":2,\"type\":\"TaskStarted\"}\n\n");
          return;
        }
        awaitQuietly();
        job.set(finalJob);
        sse(out, ": heartbeat\n\nevent: event\nid: 3\ndata: {\"sequenceNr\":3,\"type\":\"JobCompleted\"}\n\n");
        sse(out, "event: end\ndata: {\"id\":\"" + ID + "\",\"state\":\"COMPLETED\"}\n\n");
      } else if (path.endsWith("/log")) {
        // Newest first, as the API pages it.
        send(x, 200, """
            {"items": [{"id":"p2","number":2,"taskId":"t1","contents":"done\\n","createdAt":"2026-01-01T10:00:02Z"},
                       {"id":"p1","number":1,"taskId":"t1","contents":"compiling\\nlinking\\n","createdAt":"2026-01-01T10:00:01Z"}],
             "number": 1, "size": 100, "totalPages": 1, "totalItems": 2}""");
        logsSent.countDown();
      } else if (path.equals("/jobs/" + ID)) {
        send(x, 200, job.get());
        // Polled: the job ends once the log was read.
        if (!streams && logsSent.getCount() == 0) job.set(finalJob);
      } else {
        send(x, 404, "{\"message\":\"not found\"}");
      }
    }
  }

  private void awaitQuietly() {
    try {
      logsSent.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void sse(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private static void send(HttpExchange x, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().set("Content-Type", "application/json");
    x.sendResponseHeaders(status, bytes.length);
    x.getResponseBody().write(bytes);
  }

  private Jtork follow() {
    return Jtork.run("logs", ID, "--follow", "--endpoint", "http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** What following the fake node's "build" job prints, from its streams or by polling alike. */
  private static List<String> buildFollowed() {
    return List.of("[   0.5s] task \"build\" RUNNING", "build | compiling", "build | linking", "build | done",
        "[   2.0s] task \"build\" COMPLETED", "job " + ID + " COMPLETED in 3.2s");
  }

  @Test
  void printsTheLogAndEachChangeFromTheStreamsAndResumesABrokenStream() {
    Jtork r = follow();
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.err()).isEmpty();
    assertThat(r.out().lines().toList()).containsExactlyElementsOf(buildFollowed());
    assertThat(lastEventIds).startsWith("null", "2");
  }

  @Test
  void pollsANodeWithoutStreams() {
    streams = false;
    Jtork r = follow();
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out().lines().toList()).containsExactlyElementsOf(buildFollowed());
  }

  @Test
  void aFailedJobExitsOneWithItsError() {
    finalJob = job("FAILED", "FAILED", "\"failedAt\": \"2026-01-01T10:00:02.100Z\", \"error\": \"exit code 2: no rule\\nto make target\",");
    Jtork r = follow();
    assertThat(r.code()).as(r.toString()).isEqualTo(1);
    assertThat(r.out().lines().toList()).endsWith(
        "[   2.0s] task \"build\" FAILED: exit code 2: no rule",
        "job " + ID + " FAILED in 2.1s: exit code 2: no rule",
        "  to make target");
  }

  @Test
  void readsServerSentEvents() {
    List<ClientOptions.ServerSentEvent> events = new CopyOnWriteArrayList<>();
    boolean whole = ClientOptions.readEvents(List.of(": comment", "event: log", "id: 7", "data: {\"a\":", "data:1}", "",
        "", "data: plain", "retry: 100", "", "event: end", "data", "", "data: after").stream(), events::add);
    assertThat(whole).isTrue();
    assertThat(events).containsExactly(new ClientOptions.ServerSentEvent("log", "7", "{\"a\":\n1}"),
        new ClientOptions.ServerSentEvent("message", "7", "plain"), new ClientOptions.ServerSentEvent("end", "7", ""));
    assertThat(ClientOptions.readEvents(List.of("data: 1", "", "data: 2", "").stream(), e -> false)).isFalse();
  }
}
