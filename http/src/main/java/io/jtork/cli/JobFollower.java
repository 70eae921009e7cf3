package io.jtork.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * {@code --follow}: shows a job live until it ends, and answers the exit code (0 when it
 * completed). Two threads read the node's Server-Sent Events: the log stream
 * ({@code GET /jobs/{id}/log/stream}) queues log parts, the event stream
 * ({@code GET /jobs/{id}/events/stream}) marks the job as changed; the calling thread fetches
 * {@code GET /jobs/{id}} after a change (at most every 200 ms) and redraws the screen. A node
 * without these streams (404) is polled instead, every 500 ms.
 */
final class JobFollower {
  static final Duration TICK = Duration.ofMillis(200);
  static final Duration POLL = Duration.ofMillis(500);
  /** A fetch even without news, in case a stream went quiet without closing. */
  static final Duration REFRESH = Duration.ofSeconds(5);
  /** How long the end waits for the log stream's own end (the last log parts). */
  static final Duration LOG_GRACE = Duration.ofSeconds(3);
  private static final int RECONNECTS = 5;

  private final ClientOptions client;
  private final String jobId;
  private final String path;
  private final FollowScreen screen;

  private final ConcurrentLinkedQueue<JsonNode> parts = new ConcurrentLinkedQueue<>();
  private final Set<String> seenParts = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean changed = new AtomicBoolean(true);
  private volatile boolean eventsEnded;
  private volatile boolean logsEnded;
  private volatile boolean pollJob;
  private volatile boolean pollLogs;
  private volatile boolean stopped;
  private final List<ClientOptions.EventStream> open = new ArrayList<>();
  private final Map<String, String> taskNames = new HashMap<>();

  private JsonNode job;

  JobFollower(ClientOptions client, String jobId, FollowScreen screen) {
    this.client = client;
    this.jobId = jobId;
    this.path = "/jobs/" + ClientCommand.id(jobId);
    this.screen = screen;
  }

  /** Follows the job to its end: 0 when it completed, 1 when it failed or was cancelled. */
  int follow() throws IOException, InterruptedException {
    job = fetchJob();
    screen.show(job, Instant.now());
    List<Thread> readers = List.of(reader("jtork-follow-log", this::readLogs),
        reader("jtork-follow-events", this::readEvents));
    try {
      Instant lastFetch = Instant.now();
      Instant lastLogPoll = Instant.MIN;
      Instant terminalSince = null;
      while (true) {
        Instant now = Instant.now();
        if (pollLogs && elapsed(lastLogPoll, now, POLL)) {
          pollLogParts();
          lastLogPoll = now;
        }
        printLogs();
        boolean due = pollJob ? elapsed(lastFetch, now, POLL)
            : (changed.get() && elapsed(lastFetch, now, TICK)) || elapsed(lastFetch, now, REFRESH);
        if (due) {
          changed.set(false);
          job = fetchJob();
          lastFetch = now;
        }
        boolean terminal = TaskTree.isTerminalJob(job.path("state").asText());
        if (terminal && terminalSince == null) terminalSince = now;
        if (!terminal) terminalSince = null;
        screen.show(job, now);
        // The end: the event stream said so, or (polled, or a stream that never says it) the job is over.
        if (eventsEnded || (terminal && (pollJob || elapsed(terminalSince, now, LOG_GRACE)))) break;
        Thread.sleep(TICK.toMillis());
      }
      job = fetchJob();
      finishLogs();
      Instant end = Instant.now();
      screen.end(job, end);
      return job.path("state").asText().equals("COMPLETED") ? 0 : 1;
    } finally {
      stop(readers);
    }
  }

  private JsonNode fetchJob() throws IOException, InterruptedException {
    JsonNode j = client.get(path, "job " + jobId + " not found");
    for (JsonNode t : j.path("execution")) taskNames.put(t.path("id").asText(), t.path("name").asText());
    return j;
  }

  /** After the job's end: the log parts still on their way, until the log stream ends (at most {@link #LOG_GRACE}). */
  private void finishLogs() throws IOException, InterruptedException {
    Instant until = Instant.now().plus(LOG_GRACE);
    Instant lastNew = Instant.now();
    while (Instant.now().isBefore(until)) {
      if (pollLogs) {
        if (pollLogParts() > 0) lastNew = Instant.now();
        // Parts are shipped about once a second: nothing new for 1.5 s is the end.
        else if (elapsed(lastNew, Instant.now(), Duration.ofMillis(1500))) break;
      } else if (logsEnded && parts.isEmpty()) {
        break;
      }
      printLogs();
      Thread.sleep(pollLogs ? POLL.toMillis() : 50);
    }
    printLogs();
  }

  /** Prints the queued log parts, each line prefixed with its task's name. */
  private void printLogs() throws IOException, InterruptedException {
    List<JsonNode> batch = new ArrayList<>();
    for (JsonNode p; (p = parts.poll()) != null; ) batch.add(p);
    if (batch.isEmpty()) return;
    boolean unknown = batch.stream().anyMatch(p -> !taskNames.containsKey(p.path("taskId").asText()));
    if (unknown) job = fetchJob();
    List<String> lines = new ArrayList<>();
    for (JsonNode p : batch) {
      String task = taskNames.getOrDefault(p.path("taskId").asText(), p.path("taskId").asText());
      String contents = p.path("contents").asText("");
      for (String line : contents.split("\n", -1)) lines.add(task + " | " + line);
      if (contents.endsWith("\n")) lines.remove(lines.size() - 1);
    }
    screen.log(lines);
  }

  private void readLogs() {
    read(path + "/log/stream", e -> {
      switch (e.event()) {
        case "log" -> {
          JsonNode part = e.json();
          if (seenParts.add(part.path("id").asText(e.id()))) parts.add(part);
        }
        case "end" -> {
          logsEnded = true;
          return false;
        }
        default -> { }
      }
      return true;
    }, () -> pollLogs = true);
  }

  private void readEvents() {
    read(path + "/events/stream", e -> {
      if (e.event().equals("end")) {
        eventsEnded = true;
        changed.set(true);
        return false;
      }
      changed.set(true);
      return true;
    }, () -> pollJob = true);
  }

  /**
   * Reads the stream at {@code streamPath} until its {@code end} event, reconnecting (with
   * {@code Last-Event-ID}) when it breaks off; {@code fallBack} when the node has no such stream
   * or it cannot be read.
   */
  private void read(String streamPath, Predicate<ClientOptions.ServerSentEvent> onEvent,
      Runnable fallBack) {
    String[] lastId = {null};
    int failures = 0;
    while (!stopped) {
      try (ClientOptions.EventStream s = client.stream(streamPath, lastId[0])) {
        if (s.status() != 200) {
          // 404: a node without streams (the job exists: it was fetched first).
          if (s.status() == 404 || ++failures > RECONNECTS) {
            fallBack.run();
            return;
          }
        } else {
          failures = 0;
          synchronized (open) {
            if (stopped) return;
            open.add(s);
          }
          boolean ended = !ClientOptions.readEvents(s.lines(), e -> {
            if (e.id() != null) lastId[0] = e.id();
            return onEvent.test(e) && !stopped;
          });
          if (ended || stopped) return;
        }
      } catch (IOException | RuntimeException e) {
        if (stopped) return;
        if (++failures > RECONNECTS) {
          fallBack.run();
          return;
        }
      } catch (InterruptedException e) {
        return;
      }
      try {
        Thread.sleep(500L * Math.max(1, failures));
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Reads the log's pages, newest first, until a part already seen: the new parts, oldest first. */
  private int pollLogParts() throws IOException, InterruptedException {
    List<JsonNode> fresh = new ArrayList<>();
    for (int page = 1; ; page++) {
      JsonNode p = client.get(path + "/log?size=100&page=" + page, "job " + jobId + " not found");
      boolean seen = false;
      for (JsonNode part : p.path("items")) {
        if (seenParts.contains(part.path("id").asText())) seen = true;
        else fresh.add(part);
      }
      if (seen || page >= p.path("totalPages").asInt(1)) break;
    }
    fresh.sort(Comparator.comparing((JsonNode n) -> TaskTree.instant(n, "createdAt"),
        Comparator.nullsFirst(Comparator.naturalOrder())).thenComparingInt(n -> n.path("number").asInt()));
    for (JsonNode part : fresh) {
      seenParts.add(part.path("id").asText());
      parts.add(part);
    }
    return fresh.size();
  }

  private Thread reader(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  private void stop(List<Thread> readers) {
    stopped = true;
    synchronized (open) {
      open.forEach(ClientOptions.EventStream::close);
    }
    readers.forEach(Thread::interrupt);
  }

  private static boolean elapsed(Instant since, Instant now, Duration d) {
    return since == null || since == Instant.MIN || !now.isBefore(since.plus(d));
  }
}
