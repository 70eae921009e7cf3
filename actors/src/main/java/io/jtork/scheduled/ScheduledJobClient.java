package io.jtork.scheduled;

import io.jtork.concurrent.Stages;
import io.jtork.model.UserRef;
import io.jtork.spec.ScheduledJobSpec;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.japi.function.Function;

/** How the API reaches scheduled-job entities, wherever in the cluster they live. */
public final class ScheduledJobClient {
  private final ClusterSharding sharding;
  private final Duration askTimeout;
  private final Executor executor;

  public ScheduledJobClient(ActorSystem<?> system, Duration askTimeout) {
    this.sharding = ClusterSharding.get(system);
    this.askTimeout = askTimeout;
    this.executor = system.executionContext();
  }

  public CompletionStage<ScheduledJobEntity.Reply> create(String id, ScheduledJobSpec spec, UserRef createdBy) {
    return create(id, spec, createdBy, null);
  }

  /** Creates under {@code id}, derived from {@code idempotencyKey} when there is one (see {@link io.jtork.job.IdempotencyKeys}). */
  public CompletionStage<ScheduledJobEntity.Reply> create(String id, ScheduledJobSpec spec, UserRef createdBy,
      String idempotencyKey) {
    return ask(id, r -> new ScheduledJobEntity.Create(spec, createdBy, idempotencyKey, r), askTimeout);
  }

  public CompletionStage<ScheduledJobEntity.Reply> get(String id) {
    return ask(id, ScheduledJobEntity.Get::new, askTimeout);
  }

  public CompletionStage<ScheduledJobEntity.Reply> pause(String id, String by) {
    return ask(id, r -> new ScheduledJobEntity.Pause(by, r), askTimeout);
  }

  public CompletionStage<ScheduledJobEntity.Reply> resume(String id, String by) {
    return ask(id, r -> new ScheduledJobEntity.Resume(by, r), askTimeout);
  }

  public CompletionStage<ScheduledJobEntity.Reply> delete(String id, String by) {
    return ask(id, r -> new ScheduledJobEntity.Delete(by, r), askTimeout);
  }

  /** Asks the entity; the answer completes on the actor system's dispatcher (see {@link Stages}). */
  private CompletionStage<ScheduledJobEntity.Reply> ask(String id,
      Function<ActorRef<ScheduledJobEntity.Reply>, ScheduledJobEntity.Command> message,
      Duration timeout) {
    return Stages.on(entity(id).ask(message, timeout), executor);
  }

  private EntityRef<ScheduledJobEntity.Command> entity(String id) {
    return sharding.entityRefFor(ScheduledJobEntity.TYPE_KEY, id);
  }
}
