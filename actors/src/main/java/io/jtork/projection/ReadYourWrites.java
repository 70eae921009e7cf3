package io.jtork.projection;

import io.jtork.job.JobEntity;
import io.jtork.model.Job;
import io.jtork.model.JobSummary;
import io.jtork.model.ScheduledJob;
import io.jtork.model.ScheduledJobSummary;
import io.jtork.redact.Redactor;
import io.jtork.scheduled.ScheduledJobEntity;
import io.jtork.store.JobReadModel;
import io.jtork.store.ScheduledJobReadModel;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Read your writes: once a command has been journaled, and before the API answers it, the row of
 * its job or scheduled job is written as the entity now has it. The next {@code GET /jobs},
 * {@code GET /scheduled-jobs} or {@code GET /metrics}, on any node, then shows the change, instead
 * of lagging until the projection has read the journal (0.4-1.2 s).
 *
 * <p>The projections stay the source of the read models (a replay rebuilds them from the journal
 * alone). Each row carries the sequence number of the newest event it shows, and a write, from
 * here or from a projection, changes a row only for a newer event: a projection running behind
 * cannot take a row back, and this write cannot undo a newer one. A write that fails (a replay
 * holds the rows) is logged and the answer still goes out: the change is journaled, and the
 * projection brings the row up to date.
 *
 * <p>Job rows are written in batches: while one batch commits, the writes that arrive meanwhile
 * gather (up to {@link #BATCH}) and go in the next transaction. Idle, a write goes alone at once;
 * under load, one commit serves many submissions instead of one each, which on H2 (a commit
 * rewrites the changed pages of every table it touched) was most of this write's cost.
 */
public final class ReadYourWrites {
  private static final Logger log = LoggerFactory.getLogger(ReadYourWrites.class);

  private final JobReadModel jobs;
  private final ScheduledJobReadModel scheduledJobs;
  private final Redactor redactor;
  private final Executor blocking;
  /** Job rows waiting for the next batch. */
  private final BoundedSourceQueue<Pending> pending;

  /** Job rows written in one transaction at most. */
  static final int BATCH = 200;

  private record Pending(JobReadModel.RowWrite row, CompletableFuture<Void> written) {}

  public ReadYourWrites(ActorSystem<?> system, JobReadModel jobs, ScheduledJobReadModel scheduledJobs,
      Redactor redactor, Executor blocking) {
    this.jobs = jobs;
    this.scheduledJobs = scheduledJobs;
    this.redactor = redactor;
    this.blocking = blocking;
    this.pending = Source.<Pending>queue(4 * BATCH)
        .batch(BATCH, p -> {
          List<Pending> batch = new ArrayList<>();
          batch.add(p);
          return batch;
        }, (batch, p) -> {
          batch.add(p);
          return batch;
        })
        .mapAsync(1, batch -> CompletableFuture.runAsync(() -> writeBatch(batch), blocking))
        .to(Sink.ignore())
        .run(system);
  }

  /** Writes the job of an {@code Ok} reply into the jobs read model; completes with the reply. */
  public CompletionStage<JobEntity.Reply> job(JobEntity.Reply reply) {
    if (!(reply instanceof JobEntity.Ok ok) || ok.seqNr() <= 0 || !ok.job().exists()) {
      return CompletableFuture.completedFuture(reply);
    }
    Job j = ok.job();
    var row = new JobReadModel.RowWrite(JobSummary.of(j, redactor), j.deleteAt(), j.spec().tags(),
        j.spec().permissions(), ok.seqNr());
    var p = new Pending(row, new CompletableFuture<>());
    // A full queue (a burst beyond four batches) or a stopping node: this row goes in a transaction of its own.
    if (pending.offer(p) != QueueOfferResult.enqueued()) {
      return write(reply, j.id(), () -> jobs.writeThrough(List.of(row)));
    }
    return p.written().thenApply(done -> reply);
  }

  /** One transaction for the batch; if it fails, each row alone, so that one bad row costs only its own write. */
  private void writeBatch(List<Pending> batch) {
    try {
      jobs.writeThrough(batch.stream().map(Pending::row).toList());
    } catch (SQLException | RuntimeException e) {
      if (batch.size() == 1) {
        notWritten(batch.get(0).row(), e);
      } else {
        for (Pending p : batch) {
          try {
            jobs.writeThrough(List.of(p.row()));
          } catch (SQLException | RuntimeException alone) {
            notWritten(p.row(), alone);
          }
        }
      }
    } finally {
      batch.forEach(p -> p.written().complete(null));
    }
  }

  private static void notWritten(JobReadModel.RowWrite row, Exception e) {
    log.warn("the read model could not be updated for {} at once; its projection will: {}", row.summary().id(),
        e.getMessage());
  }

  /** Writes the scheduled job of an {@code Ok} reply into its read model; completes with the reply. */
  public CompletionStage<ScheduledJobEntity.Reply> scheduledJob(ScheduledJobEntity.Reply reply) {
    if (!(reply instanceof ScheduledJobEntity.Ok ok) || ok.seqNr() <= 0 || ok.scheduledJob().state() == null) {
      return CompletableFuture.completedFuture(reply);
    }
    ScheduledJob s = ok.scheduledJob();
    var spec = s.spec();
    ScheduledJobSummary row = ScheduledJobsProjection.row(redactor, s.id(), s.createdBy(), spec, s.state(),
        s.createdAt());
    return write(reply, s.id(), () -> scheduledJobs.writeThrough(row, spec.permissions(), ok.seqNr()));
  }

  @FunctionalInterface
  private interface Write {
    void run() throws SQLException;
  }

  private <R> CompletionStage<R> write(R reply, String id, Write write) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        write.run();
      } catch (SQLException | RuntimeException e) {
        log.warn("the read model could not be updated for {} at once; its projection will: {}", id, e.getMessage());
      }
      return reply;
    }, blocking);
  }
}
