package io.jtork.queue;

import io.jtork.dispatch.QueueCommand;
import io.jtork.dispatch.TaskCommand;
import io.jtork.dispatch.WorkerCommand;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/**
 * One named queue. Tasks wait in priority order (0–9, higher first; equal priorities FIFO by
 * their sequence); workers offer slots. When both exist, the task actor is told which worker to
 * use; it then talks to the worker itself, so the queue never holds the work.
 */
public final class TaskQueue extends AbstractBehavior<QueueCommand> {
  public static final EntityTypeKey<QueueCommand> TYPE_KEY = EntityTypeKey.create(QueueCommand.class, "TaskQueue");

  private record Ticket(String attemptId, int priority, long seq, ActorRef<TaskCommand> task) {}

  private static final class Slots {
    final String nodeId;
    final String address;
    int free;

    Slots(String nodeId, String address) {
      this.nodeId = nodeId;
      this.address = address;
    }
  }

  private record TaskGone(String attemptId, ActorRef<TaskCommand> task) implements QueueCommand {}

  private record WorkerGone(ActorRef<WorkerCommand> worker) implements QueueCommand {}

  private static final Comparator<Ticket> ORDER = Comparator.comparingInt((Ticket t) -> -t.priority())
      .thenComparingLong(Ticket::seq).thenComparing(Ticket::attemptId);

  private final String name;
  private final TreeSet<Ticket> waiting = new TreeSet<>(ORDER);
  private final Map<String, Ticket> byAttempt = new HashMap<>();
  private final Map<ActorRef<WorkerCommand>, Slots> workers = new LinkedHashMap<>();
  private int handedOut;

  public static void init(ActorSystem<?> system) {
    ClusterSharding.get(system).init(Entity.of(TYPE_KEY, ctx -> create(ctx.getEntityId()))
        // Soft state that workers and tasks re-establish; idle passivation would just drop it.
        .withSettings(ClusterShardingSettings.create(system).withNoPassivationStrategy())
        // On a worker this starts a proxy: workers offer slots to queues hosted by coordinators.
        .withRole(io.jtork.cluster.Roles.COORDINATOR));
  }

  public static EntityRef<QueueCommand> ref(ClusterSharding sharding, String queue) {
    return sharding.entityRefFor(TYPE_KEY, queue);
  }

  public static Behavior<QueueCommand> create(String name) {
    return Behaviors.setup(ctx -> new TaskQueue(ctx, name));
  }

  private TaskQueue(ActorContext<QueueCommand> ctx, String name) {
    super(ctx);
    this.name = name;
  }

  @Override
  public Receive<QueueCommand> createReceive() {
    return newReceiveBuilder()
        .onMessage(QueueCommand.Enqueue.class, this::onEnqueue)
        .onMessage(QueueCommand.Withdraw.class, w -> {
          remove(w.attemptId());
          return this;
        })
        .onMessage(QueueCommand.Demand.class, this::onDemand)
        .onMessage(QueueCommand.Decline.class, this::onDecline)
        .onMessage(QueueCommand.GetInfo.class, g -> {
          g.replyTo().tell(new QueueCommand.QueueInfo(name, waiting.size(), workers.size(), handedOut));
          return this;
        })
        .onMessage(TaskGone.class, g -> {
          Ticket t = byAttempt.get(g.attemptId());
          if (t != null && t.task().equals(g.task())) remove(g.attemptId());
          return this;
        })
        .onMessage(WorkerGone.class, g -> {
          workers.remove(g.worker());
          return this;
        })
        .build();
  }

  private Behavior<QueueCommand> onEnqueue(QueueCommand.Enqueue e) {
    Ticket old = byAttempt.remove(e.attemptId());
    if (old != null) {
      waiting.remove(old);
      if (!old.task().equals(e.task())) getContext().unwatch(old.task());
    }
    Ticket t = new Ticket(e.attemptId(), e.priority(), e.seq(), e.task());
    waiting.add(t);
    byAttempt.put(t.attemptId(), t);
    getContext().watchWith(e.task(), new TaskGone(e.attemptId(), e.task()));
    e.task().tell(new TaskCommand.Enqueued(e.attemptId(), getContext().getSelf()));
    dispatch();
    return this;
  }

  private Behavior<QueueCommand> onDemand(QueueCommand.Demand d) {
    Slots s = workers.get(d.worker());
    if (s == null) {
      s = new Slots(d.nodeId(), d.workerAddress());
      workers.put(d.worker(), s);
      getContext().watchWith(d.worker(), new WorkerGone(d.worker()));
    }
    s.free = d.reset() ? d.slots() : s.free + d.slots();
    if (d.reset()) d.worker().tell(new WorkerCommand.QueueSubscribed(name, getContext().getSelf()));
    if (!d.reset() && handedOut > 0) handedOut = Math.max(0, handedOut - d.slots());
    dispatch();
    return this;
  }

  private Behavior<QueueCommand> onDecline(QueueCommand.Decline d) {
    Slots s = workers.get(d.worker());
    if (s != null) s.free++;
    handedOut = Math.max(0, handedOut - 1);
    dispatch();
    return this;
  }

  private void remove(String attemptId) {
    Ticket t = byAttempt.remove(attemptId);
    if (t != null) {
      waiting.remove(t);
      getContext().unwatch(t.task());
    }
  }

  /** Hands the best waiting tasks to the workers with the most free slots. */
  private void dispatch() {
    while (!waiting.isEmpty()) {
      Map.Entry<ActorRef<WorkerCommand>, Slots> best = null;
      for (Map.Entry<ActorRef<WorkerCommand>, Slots> w : workers.entrySet()) {
        if (w.getValue().free > 0 && (best == null || w.getValue().free > best.getValue().free)) best = w;
      }
      if (best == null) return;
      Ticket t = waiting.pollFirst();
      byAttempt.remove(t.attemptId());
      getContext().unwatch(t.task());
      best.getValue().free--;
      handedOut++;
      t.task().tell(new TaskCommand.Assigned(t.attemptId(), best.getKey(), best.getValue().nodeId,
          best.getValue().address, getContext().getSelf()));
    }
  }
}
