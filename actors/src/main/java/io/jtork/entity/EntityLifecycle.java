package io.jtork.entity;

import java.time.Duration;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.BackoffSupervisorStrategy;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * A sharded entity's life beside its commands: how it is restarted when the journal refuses a
 * write, and how it leaves memory once it has nothing to do.
 *
 * @param <C> the entity's command type
 */
public final class EntityLifecycle<C> {
  /**
   * A write the journal refuses (the database down, its queue full) restarts the entity, which
   * recovers what was written and carries on from there, instead of stopping it until its shard
   * restarts it 10 s later.
   */
  public static final BackoffSupervisorStrategy ON_PERSIST_FAILURE =
      SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.2);

  private static final String TIMER = "passivate";

  private final TimerScheduler<C> timers;
  private final ActorRef<ClusterSharding.ShardCommand> shard;
  private final ActorRef<C> self;
  private final Duration passivateAfter;
  private final C ifIdle;

  /**
   * @param ifIdle the entity's own command that asks it whether it is idle; it answers by calling
   *     {@link #passivate()} when it is
   */
  public EntityLifecycle(TimerScheduler<C> timers, ActorRef<ClusterSharding.ShardCommand> shard, ActorRef<C> self,
      Duration passivateAfter, C ifIdle) {
    this.timers = timers;
    this.shard = shard;
    this.self = self;
    this.passivateAfter = passivateAfter;
    this.ifIdle = ifIdle;
  }

  /** Asks the entity whether it is idle {@code passivateAfter} from now (a later call moves the time). */
  public void schedulePassivation() {
    timers.startSingleTimer(TIMER, ifIdle, passivateAfter);
  }

  /** Asks the shard to stop the entity; the shard starts it again on its next command. */
  public void passivate() {
    shard.tell(new ClusterSharding.Passivate<>(self));
  }
}
