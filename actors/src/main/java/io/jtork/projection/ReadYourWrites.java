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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
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
 */
public final class ReadYourWrites {
  private static final Logger log = LoggerFactory.getLogger(ReadYourWrites.class);

  private final JobReadModel jobs;
  private final ScheduledJobReadModel scheduledJobs;
  private final Redactor redactor;
  private final Executor blocking;

  public ReadYourWrites(JobReadModel jobs, ScheduledJobReadModel scheduledJobs, Redactor redactor, Executor blocking) {
    this.jobs = jobs;
    this.scheduledJobs = scheduledJobs;
    this.redactor = redactor;
    this.blocking = blocking;
  }

  /** Writes the job of an {@code Ok} reply into the jobs read model; completes with the reply. */
  public CompletionStage<JobEntity.Reply> job(JobEntity.Reply reply) {
    if (!(reply instanceof JobEntity.Ok ok) || ok.seqNr() <= 0 || !ok.job().exists()) {
      return CompletableFuture.completedFuture(reply);
    }
    Job j = ok.job();
    return write(reply, j.id(), () -> jobs.writeThrough(JobSummary.of(j, redactor), j.deleteAt(), j.spec().tags(),
        j.spec().permissions(), ok.seqNr()));
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
