package io.jtork.scheduled;

import io.jtork.model.UserRef;
import io.jtork.spec.ScheduledJobSpec;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/** How the API reaches scheduled-job entities, wherever in the cluster they live. */
public final class ScheduledJobClient {
  private final ClusterSharding sharding;
  private final Duration askTimeout;

  public ScheduledJobClient(ActorSystem<?> system, Duration askTimeout) {
    this.sharding = ClusterSharding.get(system);
    this.askTimeout = askTimeout;
  }

  public CompletionStage<ScheduledJobEntity.Reply> create(String id, ScheduledJobSpec spec, UserRef createdBy) {
    return entity(id).ask(r -> new ScheduledJobEntity.Create(spec, createdBy, r), askTimeout);
  }

  public CompletionStage<ScheduledJobEntity.Reply> get(String id) {
    return entity(id).ask(ScheduledJobEntity.Get::new, askTimeout);
  }

  public CompletionStage<ScheduledJobEntity.Reply> pause(String id, String by) {
    return entity(id).ask(r -> new ScheduledJobEntity.Pause(by, r), askTimeout);
  }

  public CompletionStage<ScheduledJobEntity.Reply> resume(String id, String by) {
    return entity(id).ask(r -> new ScheduledJobEntity.Resume(by, r), askTimeout);
  }

  public CompletionStage<ScheduledJobEntity.Reply> delete(String id, String by) {
    return entity(id).ask(r -> new ScheduledJobEntity.Delete(by, r), askTimeout);
  }

  private EntityRef<ScheduledJobEntity.Command> entity(String id) {
    return sharding.entityRefFor(ScheduledJobEntity.TYPE_KEY, id);
  }
}
