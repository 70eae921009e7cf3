package io.jtork.stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.jtork.json.Json;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.ResponseEntity;
import org.apache.pekko.http.javadsl.model.sse.ServerSentEvent;
import org.apache.pekko.util.ByteString;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One open stream: sends its client what is new, one {@link #step} at a time. A change told by the
 * {@link ChangeFeed} {@link #poke pokes} it; pokes that come while a step runs are folded into one
 * more step after it, so steps never overlap and events go out in order.
 */
public abstract class Follower implements ChangeFeed.Listener {
  private static final Logger log = LoggerFactory.getLogger(Follower.class);

  private final AtomicBoolean running = new AtomicBoolean();
  private final AtomicBoolean again = new AtomicBoolean();
  private final Executor executor;
  private BoundedSourceQueue<ByteString> out;
  private volatile boolean closed;

  protected Follower(Executor executor) {
    this.executor = executor;
  }

  /** A comment line: what an idle stream sends every {@code heartbeat} so that proxies keep it open. */
  private static final ByteString HEARTBEAT = ByteString.fromString(":\n\n");

  /**
   * The body of {@code follower}'s stream, {@code text/event-stream} with heartbeats: it starts
   * when the response is sent and stops (leaving the feed) when the client goes away or the
   * follower ends it, counted in {@code open} meanwhile. Pekko HTTP's own heartbeat is an empty {@code data:} event, which clients
   * that are not browsers take for a message: the events are encoded by Pekko HTTP, the heartbeat
   * here is a comment, as the SSE specification has it.
   */
  public static ResponseEntity body(Follower follower, StreamSettings settings, AtomicInteger open) {
    Source<ByteString, NotUsed> bytes = Source.<ByteString>queue(settings.buffer())
        .watchTermination((queue, done) -> {
          follower.out = queue;
          open.incrementAndGet();
          done.whenComplete((d, e) -> {
            open.decrementAndGet();
            follower.close();
          });
          follower.executor.execute(follower::begin);
          return NotUsed.getInstance();
        })
        // Events that pile up while the connection writes are sent together, as one chunk.
        .batchWeighted(64 * 1024, bs -> (long) bs.size(), bs -> bs, ByteString::concat)
        .keepAlive(settings.heartbeat(), () -> HEARTBEAT);
    return HttpEntities.create(MediaTypes.TEXT_EVENT_STREAM.toContentType(), bytes);
  }

  private void begin() {
    try {
      start();
      poke();
    } catch (Exception e) {
      fail(e);
    }
  }

  /** Joins the feed (blocking is fine here); the first step follows. */
  protected abstract void start() throws Exception;

  /** Leaves the feed. */
  protected abstract void leave();

  /** Sends what is new; answers true when there may be more at once. */
  protected abstract CompletionStage<Boolean> step();

  /** Another step: now, or after the one under way. */
  public final void poke() {
    again.set(true);
    if (!closed && running.compareAndSet(false, true)) executor.execute(this::run);
  }

  private void run() {
    again.set(false);
    CompletionStage<Boolean> s;
    try {
      s = step();
    } catch (RuntimeException e) {
      s = CompletableFuture.failedFuture(e);
    }
    s.whenCompleteAsync((more, e) -> {
      if (e != null) {
        fail(e);
        return;
      }
      if (Boolean.TRUE.equals(more)) again.set(true);
      running.set(false);
      if (again.get()) poke();
    }, executor);
  }

  /** Sends one event, {@code data} as JSON; false when the stream is closed (the client left, or lags by more than the buffer). */
  protected final boolean send(String type, String id, Object data) {
    if (closed) return false;
    String json;
    try {
      json = Json.json().writeValueAsString(data);
    } catch (JsonProcessingException e) {
      fail(e);
      return false;
    }
    return sendJson(type, id, json);
  }

  /** Sends one event whose data is already JSON. */
  protected final boolean sendJson(String type, String id, String json) {
    return sendEncoded(encode(type, id, json));
  }

  /** An event as it goes on the wire, by Pekko HTTP's SSE model. */
  public static ByteString encode(String type, String id, String json) {
    return ((org.apache.pekko.http.scaladsl.model.sse.ServerSentEvent) ServerSentEvent.create(json, Optional.of(type),
        Optional.ofNullable(id), OptionalInt.empty())).encode();
  }

  /** Sends one event already encoded ({@link #encode}: once for every stream that sends it). */
  protected final boolean sendEncoded(ByteString event) {
    if (closed) return false;
    QueueOfferResult r = out.offer(event);
    if (r == QueueOfferResult.enqueued()) return true;
    if (r == QueueOfferResult.dropped()) {
      // A client that reads slower than its job writes: closed, it resumes from its Last-Event-ID.
      out.fail(new IllegalStateException("the client lags more than jtork.streams.buffer events"));
    }
    close();
    return false;
  }

  /** Sends {@code end} and closes the stream. */
  protected final void end(Object data) {
    if (send("end", null, data)) out.complete();
    close();
  }

  protected final Executor executor() {
    return executor;
  }

  private void fail(Throwable e) {
    log.warn("live stream {} failed: {}", this, e.toString());
    if (out != null) out.fail(e);
    close();
  }

  private void close() {
    if (closed) return;
    closed = true;
    leave();
  }
}
