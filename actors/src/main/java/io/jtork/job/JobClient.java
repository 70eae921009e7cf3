package io.jtork.job;

import io.jtork.concurrent.Stages;
import io.jtork.model.Ids;
import io.jtork.model.ScheduleRef;
import io.jtork.model.UserRef;
import io.jtork.spec.JobSpec;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.japi.function.Function;

/** How the API reaches job entities, wherever in the cluster they live. */
public final class JobClient {
  private final ClusterSharding sharding;
  private final Duration askTimeout;
  private final Executor executor;
  private final FreshJobIds fresh;

  public JobClient(ActorSystem<?> system, Duration askTimeout) {
    this.sharding = ClusterSharding.get(system);
    this.fresh = FreshJobIds.get(system);
    this.askTimeout = askTimeout;
    this.executor = system.executionContext();
  }

  /**
   * Submits under a new id; the reply carries the job as it was accepted. The id is
   * {@link FreshJobIds fresh} while it is asked: its entity need not look for a snapshot. An
   * answer that does not come in time fails the stage with {@link CreationUnanswered}, which
   * names the id: the job may still be made.
   */
  public CompletionStage<JobEntity.Reply> submit(JobSpec spec, UserRef createdBy) {
    String jobId = Ids.newId();
    fresh.drawn(jobId);
    try {
      return unanswered("job", jobId, submit(jobId, spec, createdBy))
          .whenComplete((reply, failure) -> fresh.submitted(jobId));
    } catch (RuntimeException e) {
      fresh.submitted(jobId);
      throw e;
    }
  }

  public CompletionStage<JobEntity.Reply> submit(String jobId, JobSpec spec, UserRef createdBy) {
    return ask(jobId, r -> new JobEntity.Submit(spec, createdBy, null, null, r), askTimeout);
  }

  /**
   * Submits with the client's {@code Idempotency-Key}, under the id derived from the caller and the
   * key: however often it is sent, one job is made (see {@link IdempotencyKeys}).
   */
  public CompletionStage<JobEntity.Reply> submitOnce(String idempotencyKey, JobSpec spec, UserRef createdBy) {
    String jobId = IdempotencyKeys.jobId(createdBy.username(), idempotencyKey);
    return ask(jobId, r -> new JobEntity.Submit(spec, createdBy, null, null, idempotencyKey, r), askTimeout);
  }

  /** Submits a scheduled job's fire; a second submit of the same id answers with the job the first created. */
  public CompletionStage<JobEntity.Reply> submit(String jobId, JobSpec spec, UserRef createdBy, ScheduleRef schedule) {
    return ask(jobId, r -> new JobEntity.Submit(spec, createdBy, null, schedule, r), askTimeout);
  }

  public CompletionStage<JobEntity.Reply> get(String jobId) {
    return ask(jobId, JobEntity.Get::new, askTimeout);
  }

  public CompletionStage<JobEntity.Reply> cancel(String jobId, String by) {
    return ask(jobId, r -> new JobEntity.Cancel(by, r), askTimeout);
  }

  public CompletionStage<JobEntity.Reply> restart(String jobId, String by) {
    return ask(jobId, r -> new JobEntity.Restart(by, r), askTimeout);
  }

  public CompletionStage<JobEntity.Reply> delete(String jobId, String by, String reason) {
    return ask(jobId, r -> new JobEntity.Delete(by, reason, r), askTimeout);
  }

  /** Completes when the job ends, or fails with a {@link java.util.concurrent.TimeoutException} after {@code timeout}. */
  public CompletionStage<JobEntity.Reply> awaitEnd(String jobId, Duration timeout) {
    return ask(jobId, JobEntity.AwaitEnd::new, timeout);
  }

  /** {@code creation}, its timeout (if it times out) turned into {@link CreationUnanswered} for this id. */
  public static <T> CompletionStage<T> unanswered(String what, String id, CompletionStage<T> creation) {
    return creation.exceptionallyCompose(e -> CompletableFuture.failedStage(
        Stages.unwrap(e) instanceof TimeoutException t ? new CreationUnanswered(what, id, t) : e));
  }

  /** Asks the entity; the answer completes on the actor system's dispatcher (see {@link Stages}). */
  private CompletionStage<JobEntity.Reply> ask(String jobId,
      Function<ActorRef<JobEntity.Reply>, JobEntity.Command> message,
      Duration timeout) {
    return Stages.on(entity(jobId).ask(message, timeout), executor);
  }

  private EntityRef<JobEntity.Command> entity(String jobId) {
    return sharding.entityRefFor(JobEntity.TYPE_KEY, jobId);
  }
}
