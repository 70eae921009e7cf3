package io.jtork.stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.jtork.auth.Principal;
import io.jtork.job.JobClient;
import io.jtork.job.JobEntity;
import io.jtork.json.Json;
import io.jtork.model.Job;
import io.jtork.store.TableTail;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.apache.pekko.util.ByteString;

/**
 * {@code GET /events/stream}: each job's state and progress as it changes, for every open stream
 * of the node at once. When jobs' events are journaled, it looks each changed job up once (the
 * latest state; several events of one job in one poll give one update) and hands the summaries to
 * every subscriber, which sends those its caller may see: an event {@code job} whose id is the
 * position of the job's last event in the journal. A subscriber that resumes after a
 * {@code Last-Event-ID} first gets the current summary of every job changed since, and nothing
 * whose position is not after it (a feed that starts tells the last rows again).
 *
 * <p>A job is looked up after its event, so its summary may already show later events; the
 * update those later events bring is then the same job again, and a resuming subscriber may hold
 * updates looked up before its catch-up's. Each update carries the number of the job's last event
 * it shows, and a subscriber sends none that shows no later event than what it sent of that job:
 * a client gets each state once and in order, also when it resumes while the job is changing.
 */
public final class JobsBroadcast implements ChangeFeed.Listener {
  /** How many jobs changed since a {@code Last-Event-ID} a resuming stream catches up with, at most. */
  static final int CATCH_UP_LIMIT = 10_000;
  /** How many jobs a subscriber remembers what it sent of, to send no job's state twice or out of order. */
  static final int REMEMBERED_JOBS = 1_024;

  /**
   * A job as it is after its event {@code ordering} (the journal's position), with {@code seqNr}
   * its own last event's number then, and its event as a client gets it.
   */
  public record Update(long ordering, Job job, long seqNr, ByteString event) {}

  /** Reads which jobs changed in a range of the journal. */
  public interface Journal {
    /** The jobs with events after {@code after} up to {@code upTo}, each with the position of its last one there. */
    Map<String, Long> jobsChanged(long after, long upTo, int limit) throws SQLException;
  }

  private final ChangeFeed feed;
  private final JobClient jobs;
  private final Function<Job, Object> view;
  private final Journal journal;
  private final Executor executor;
  private final Set<Subscriber> subscribers = ConcurrentHashMap.newKeySet();
  private final Object chain = new Object();
  private CompletionStage<Void> last = CompletableFuture.completedFuture(null);

  public JobsBroadcast(ChangeFeed feed, JobClient jobs, Function<Job, Object> view, Journal journal,
      Executor executor) {
    this.feed = feed;
    this.jobs = jobs;
    this.view = view;
    this.journal = journal;
    this.executor = executor;
  }

  /** A new stream for {@code who}, resuming after {@code after} (a journal position) when it is not null. */
  public Follower subscribe(Principal who, Long after) {
    return new Subscriber(who, after);
  }

  @Override
  public void changed(ChangeFeed.Table table, List<TableTail.Row> rows) {
    Map<String, Long> changed = new LinkedHashMap<>();
    for (TableTail.Row r : rows) changed.put(r.key(), r.ordering());
    // One poll's updates are looked up together and handed on in the journal's order, after the
    // previous poll's: a client sees each job's changes in order.
    synchronized (chain) {
      last = last.thenCompose(v -> updates(changed)).thenAccept(updates ->
          subscribers.forEach(s -> s.deliver(updates)));
    }
  }

  /** The jobs now, in the order of their last events; gone jobs are left out. */
  private CompletionStage<List<Update>> updates(Map<String, Long> changed) {
    List<CompletableFuture<Update>> lookups = new ArrayList<>();
    changed.forEach((id, ordering) -> lookups.add(jobs.get(id).toCompletableFuture()
        .thenApply(reply -> reply instanceof JobEntity.Ok ok ? update(ordering, ok.job(), ok.seqNr()) : null)
        .exceptionally(e -> null)));
    return CompletableFuture.allOf(lookups.toArray(CompletableFuture[]::new)).thenApply(v -> lookups.stream()
        .map(CompletableFuture::join).filter(u -> u != null).sorted(Comparator.comparingLong(Update::ordering))
        .toList());
  }

  /** The update, written and encoded once for every subscriber. */
  private Update update(long ordering, Job job, long seqNr) {
    try {
      return new Update(ordering, job, seqNr, Follower.encode("job", Long.toString(ordering),
          Json.json().writeValueAsString(view.apply(job))));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private final class Subscriber extends Follower {
    private final Principal who;
    private final Long after;
    private final List<List<Update>> pending = new ArrayList<>();
    /** Of each job it sent, the number of the last event that showed: for the {@link #REMEMBERED_JOBS} sent last. */
    private final Map<String, Long> sent = new LinkedHashMap<>(64, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
        return size() > REMEMBERED_JOBS;
      }
    };
    private boolean caughtUp;
    private long upTo;

    Subscriber(Principal who, Long after) {
      super(executor);
      this.who = who;
      this.after = after;
    }

    @Override
    protected void start() throws SQLException {
      synchronized (JobsBroadcast.this) {
        // The broadcast listens to the feed while it has subscribers.
        upTo = subscribers.isEmpty() ? feed.listen(ChangeFeed.Table.JOURNAL, null, JobsBroadcast.this)
            : feed.position(ChangeFeed.Table.JOURNAL);
        subscribers.add(this);
      }
    }

    @Override
    protected void leave() {
      synchronized (JobsBroadcast.this) {
        if (subscribers.remove(this) && subscribers.isEmpty()) feed.stop(ChangeFeed.Table.JOURNAL, null, JobsBroadcast.this);
      }
    }

    @Override
    public void changed(ChangeFeed.Table table, List<TableTail.Row> rows) {
      // The broadcast listens to the feed for its subscribers.
    }

    synchronized void deliver(List<Update> updates) {
      if (caughtUp) send(updates);
      else pending.add(updates);
    }

    private void send(List<Update> updates) {
      for (Update u : updates) {
        if (after != null && u.ordering() <= after) continue; // the client had it: the feed may start further back
        if (!who.mayAccess(u.job().spec().permissions())) continue;
        Long last = sent.get(u.job().id());
        if (last != null && u.seqNr() <= last) continue; // shows nothing newer than what the client has
        sent.put(u.job().id(), u.seqNr());
        if (!sendEncoded(u.event())) return;
      }
    }

    @Override
    protected CompletionStage<Boolean> step() {
      if (caughtUp) return CompletableFuture.completedFuture(false);
      CompletionStage<List<Update>> missed = CompletableFuture.completedFuture(List.of());
      if (after != null && after < upTo) {
        try {
          missed = updates(journal.jobsChanged(after, upTo, CATCH_UP_LIMIT));
        } catch (SQLException e) {
          return CompletableFuture.failedFuture(e);
        }
      }
      return missed.thenApply(updates -> {
        synchronized (this) {
          send(updates);
          pending.forEach(this::send);
          pending.clear();
          caughtUp = true;
        }
        return false;
      });
    }

    @Override
    public String toString() {
      return "jobs stream of " + who.user().username();
    }
  }
}
