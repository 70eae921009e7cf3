package io.jtork.api;

import io.jtork.auth.Principal;
import io.jtork.job.JobEntity;
import io.jtork.metrics.JtorkMetrics;
import io.jtork.model.Job;
import io.jtork.node.JtorkNode;
import io.jtork.stream.ChangeFeed;
import io.jtork.stream.Follower;
import io.jtork.stream.JobEventsFollower;
import io.jtork.stream.JobsBroadcast;
import io.jtork.stream.LogFollower;
import io.jtork.stream.StreamSettings;
import io.jtork.store.TableTail;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Beyond Tork, live streams as Server-Sent Events: {@code GET /jobs/{id}/log/stream},
 * {@code GET /jobs/{id}/events/stream} and {@code GET /events/stream} (see docs/api.md). Each
 * resumes after the {@code Last-Event-ID} its client sends; a job stream is for a job its caller
 * may see (404 otherwise), and shows what the matching {@code GET} shows, redacted alike.
 */
final class StreamRoutes extends AllDirectives {
  private final JtorkNode node;
  private final ApiDirectives api;
  private final JobRoutes jobRoutes;
  private final EventHistory history;
  private final Executor blocking;
  private final StreamSettings settings;
  private final ChangeFeed feed;
  private final JobsBroadcast broadcast;
  private final JtorkMetrics metrics;

  StreamRoutes(JtorkNode node, ApiDirectives api, JobRoutes jobRoutes, EventHistory history, Executor blocking) {
    this.node = node;
    this.api = api;
    this.jobRoutes = jobRoutes;
    this.history = history;
    this.blocking = blocking;
    this.settings = StreamSettings.from(node.system().settings().config());
    this.metrics = JtorkMetrics.get(node.system());
    String jobPrefix = JobEntity.TYPE_KEY.name() + "|";
    this.feed = new ChangeFeed(node.system(), node.database(), blocking, settings, jobPrefix);
    TableTail journal = TableTail.journal(node.database());
    this.broadcast = new JobsBroadcast(feed, node.jobs(), job -> JobView.summary(job, node.redactor()),
        (after, upTo, limit) -> keyedByJob(journal.lastPerKey(jobPrefix, after, upTo, limit)), blocking);
  }

  Route route(Principal who) {
    return get(() -> concat(
        path(PathMatchers.segment("events").slash("stream"), () -> lastEventId(after ->
            stream("jobs", broadcast.subscribe(who, after.orElse(null))))),
        pathPrefix("jobs", () -> pathPrefix(PathMatchers.segment(), id -> concat(
            path(PathMatchers.segment("log").slash("stream"), () -> jobStream("log", id, who, after ->
                new LogFollower(id, after, feed, node.logs(), node.jobs(), node.redactor(), node.system(), blocking,
                    settings))),
            path(PathMatchers.segment("events").slash("stream"), () -> jobStream("events", id, who, after ->
                new JobEventsFollower(id, after, feed, node.jobs(), this::entries, blocking))))))));
  }

  /** The stream of a job {@code who} may see, after the client's {@code Last-Event-ID} (0: from the start). */
  private Route jobStream(String kind, String id, Principal who, Function<Long, Follower> follower) {
    return api.visible("job", id, who, jobRoutes::find, job -> job.spec().permissions(),
        job -> lastEventId(after -> stream(kind, follower.apply(after.orElse(0L)))));
  }

  private Route stream(String kind, Follower follower) {
    return complete(HttpResponse.create().withEntity(Follower.body(follower, settings, metrics.openStreams(kind)))
        .addHeader(RawHeader.create("Cache-Control", "no-cache")));
  }

  /** The request's {@code Last-Event-ID}: a number, else 400 naming what was sent. */
  private Route lastEventId(Function<Optional<Long>, Route> inner) {
    return optionalHeaderValueByName("Last-Event-ID", header -> {
      if (header.isEmpty() || header.get().isBlank()) return inner.apply(Optional.empty());
      try {
        long after = Long.parseLong(header.get().trim());
        if (after >= 0) return inner.apply(Optional.of(after));
      } catch (NumberFormatException e) {
        // answered below
      }
      return complete(Responses.error(StatusCodes.BAD_REQUEST, "invalid Last-Event-ID \""
          + Responses.truncate(header.get()) + "\": expected the id of an event of this stream (a number, 0 or more)"));
    });
  }

  /** A job's history entries {@code from} to {@code to}, as {@code GET /jobs/{id}/events} shows them. */
  private CompletionStage<List<JobEventsFollower.Entry>> entries(Job now, long last, long from, long to) {
    return history.page(now, last, from, to).thenCompose(page -> page != null
        ? CompletableFuture.completedFuture(page.entries())
        // A page that would misname a redelivered task's worker: read from the whole history.
        : history.of(now.id()).thenApply(all -> all.stream()
            .filter(e -> e.sequenceNr() >= from && e.sequenceNr() <= to).toList()))
        .thenApply(list -> list.stream().map(e -> new JobEventsFollower.Entry(e.sequenceNr(), e)).toList());
  }

  /** Persistence ids' positions as job ids' positions. */
  private static Map<String, Long> keyedByJob(Map<String, Long> byPersistenceId) {
    Map<String, Long> out = new LinkedHashMap<>();
    byPersistenceId.forEach((pid, ordering) -> out.put(pid.substring(pid.indexOf('|') + 1), ordering));
    return out;
  }
}
