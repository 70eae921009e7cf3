package io.jtork.stream;

import io.jtork.job.JobClient;
import io.jtork.job.JobEntity;
import io.jtork.model.Job;
import io.jtork.model.TaskLogPart;
import io.jtork.redact.Redactor;
import io.jtork.store.TableTail;
import io.jtork.store.TaskLogStore;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * {@code GET /jobs/{id}/log/stream}: the job's log parts in the order they were written, each an
 * event {@code log} whose id is the part's place in that order; the parts already written first,
 * then each new one. Once the job has ended and {@code log-end-grace} has passed (the time its
 * workers' last parts take to arrive), the parts left and an {@code end} event.
 */
public final class LogFollower extends Follower {
  private static final int PAGE = 500;

  private final String jobId;
  private final ChangeFeed feed;
  private final TaskLogStore logs;
  private final JobClient jobs;
  private final Redactor redactor;
  private final ActorSystem<?> system;
  private final Duration grace;
  private volatile long sent;
  private volatile boolean jobChanged = true;
  private volatile Job job;
  private volatile long endAt;

  public LogFollower(String jobId, long after, ChangeFeed feed, TaskLogStore logs, JobClient jobs, Redactor redactor,
      ActorSystem<?> system, Executor blocking, StreamSettings settings) {
    super(blocking);
    this.jobId = jobId;
    this.sent = after;
    this.feed = feed;
    this.logs = logs;
    this.jobs = jobs;
    this.redactor = redactor;
    this.system = system;
    this.grace = settings.logEndGrace();
  }

  @Override
  protected void start() throws SQLException {
    feed.listen(ChangeFeed.Table.JOURNAL, jobId, this);
    feed.listen(ChangeFeed.Table.LOG, jobId, this);
  }

  @Override
  protected void leave() {
    feed.stop(ChangeFeed.Table.JOURNAL, jobId, this);
    feed.stop(ChangeFeed.Table.LOG, jobId, this);
  }

  @Override
  public void changed(ChangeFeed.Table table, List<TableTail.Row> rows) {
    if (table == ChangeFeed.Table.JOURNAL) jobChanged = true;
    poke();
  }

  @Override
  protected CompletionStage<Boolean> step() {
    CompletionStage<Void> looked = CompletableFuture.completedFuture(null);
    if (jobChanged) {
      jobChanged = false;
      looked = jobs.get(jobId).thenAccept(reply -> {
        boolean gone = !(reply instanceof JobEntity.Ok);
        if (reply instanceof JobEntity.Ok ok) job = ok.job();
        if ((gone || job != null && job.state().isTerminal()) && endAt == 0) {
          endAt = System.nanoTime() + grace.toNanos();
          system.scheduler().scheduleOnce(grace, this::poke, system.executionContext());
        }
      });
    }
    return looked.thenApplyAsync(v -> sendNew(), executor());
  }

  private boolean sendNew() {
    long upTo = feed.position(ChangeFeed.Table.LOG);
    List<TaskLogStore.Sequenced> parts;
    try {
      parts = upTo < 0 ? List.of() : logs.after(jobId, sent, upTo, PAGE);
    } catch (SQLException e) {
      throw new CompletionException(e);
    }
    Set<String> secrets = job == null ? Set.of() : redactor.secretValues(job);
    for (TaskLogStore.Sequenced s : parts) {
      TaskLogPart p = s.part();
      if (!send("log", Long.toString(s.ordering()), new TaskLogPart(p.id(), p.number(), p.taskId(),
          Redactor.redactValues(p.contents(), secrets), p.createdAt()))) {
        return false;
      }
      sent = s.ordering();
    }
    if (parts.size() == PAGE) return true;
    if (endAt != 0 && System.nanoTime() - endAt >= 0) {
      end(Map.of("id", jobId, "state", job == null ? "UNKNOWN" : job.state().name()));
    }
    return false;
  }

  @Override
  public String toString() {
    return "log of job " + jobId;
  }
}
