package io.jtork.stream;

import io.jtork.job.JobClient;
import io.jtork.job.JobEntity;
import io.jtork.model.Job;
import io.jtork.store.TableTail;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * {@code GET /jobs/{id}/events/stream}: the job's history as {@code GET /jobs/{id}/events} gives it
 * (redacted the same way), each entry an event {@code event} whose id is its sequence number;
 * {@code end} once the job has ended and has no webhook call left to make.
 */
public final class JobEventsFollower extends Follower {
  private static final int PAGE = 500;

  /** Reads a job's journaled events as the API shows them. */
  public interface History {
    /** Entries {@code from} to {@code to} of the job that is {@code now} after its event {@code last}, in order. */
    CompletionStage<List<Entry>> read(Job now, long last, long from, long to);
  }

  /** An entry and its sequence number. */
  public record Entry(long sequenceNr, Object view) {}

  private final String jobId;
  private final ChangeFeed feed;
  private final JobClient jobs;
  private final History history;
  private volatile long sent;

  public JobEventsFollower(String jobId, long after, ChangeFeed feed, JobClient jobs, History history,
      Executor blocking) {
    super(blocking);
    this.jobId = jobId;
    this.sent = after;
    this.feed = feed;
    this.jobs = jobs;
    this.history = history;
  }

  @Override
  protected void start() throws SQLException {
    feed.listen(ChangeFeed.Table.JOURNAL, jobId, this);
  }

  @Override
  protected void leave() {
    feed.stop(ChangeFeed.Table.JOURNAL, jobId, this);
  }

  @Override
  public void changed(ChangeFeed.Table table, List<TableTail.Row> rows) {
    poke();
  }

  @Override
  protected CompletionStage<Boolean> step() {
    return jobs.get(jobId).thenCompose(reply -> {
      if (!(reply instanceof JobEntity.Ok ok)) {
        end(Map.of("id", jobId, "state", "DELETED"));
        return CompletableFuture.completedFuture(false);
      }
      Job job = ok.job();
      long last = ok.seqNr();
      if (sent >= last) {
        if (job.state().isTerminal() && job.outbox().isEmpty()) end(Map.of("id", jobId, "state", job.state().name()));
        return CompletableFuture.completedFuture(false);
      }
      return history.read(job, last, sent + 1, Math.min(last, sent + PAGE)).thenApply(entries -> {
        for (Entry e : entries) {
          if (e.sequenceNr() <= sent) continue;
          if (!send("event", Long.toString(e.sequenceNr()), e.view())) return false;
          sent = e.sequenceNr();
        }
        return !entries.isEmpty();
      });
    });
  }

  @Override
  public String toString() {
    return "events of job " + jobId;
  }
}
