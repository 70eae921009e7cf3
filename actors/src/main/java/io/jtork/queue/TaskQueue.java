package io.jtork.queue;

import io.jtork.cluster.Roles;
import io.jtork.dispatch.QueueCommand;
import io.jtork.dispatch.TaskCommand;
import io.jtork.dispatch.WorkerAddress;
import io.jtork.dispatch.WorkerCommand;
import io.jtork.metrics.JtorkMetrics;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.cluster.typed.Cluster;

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
      .thenComparingLong(Ticket::seq).thenComparing(Ticket::attemptId)
      .thenComparing(t -> t.task().path().toSerializationFormat());

  /**
   * A ticket is one task actor's, not only one attempt's: after a job moves, the task actor of its
   * old home may still have a ticket in flight (sent again before it stopped). Keyed by attempt
   * alone, that late ticket would replace the new task actor's and, when its sender is found dead,
   * take the attempt out of the queue for good.
   */
  private record Key(String attemptId, ActorRef<TaskCommand> task) {}

  private final String name;
  private final TreeSet<Ticket> waiting = new TreeSet<>(ORDER);
  private final Map<Key, Ticket> byAttempt = new HashMap<>();
  private final Map<ActorRef<WorkerCommand>, Slots> workers = new LinkedHashMap<>();
  private int handedOut;
  private final Cluster cluster;
  private final JtorkMetrics.QueueGauges gauges;

  public static void init(ActorSystem<?> system) {
    ClusterSharding.get(system).init(Entity.of(TYPE_KEY, ctx -> create(ctx.getEntityId()))
        // Soft state that workers and tasks re-establish; idle passivation would just drop it.
        .withSettings(ClusterShardingSettings.create(system).withNoPassivationStrategy())
        // On a worker this starts a proxy: workers offer slots to queues hosted by coordinators.
        .withRole(Roles.COORDINATOR));
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
    this.cluster = Cluster.get(ctx.getSystem());
    this.gauges = JtorkMetrics.get(ctx.getSystem()).queue(name);
  }

  @Override
  public Receive<QueueCommand> createReceive() {
    return newReceiveBuilder()
        .onMessage(QueueCommand.Enqueue.class, this::onEnqueue)
        .onMessage(QueueCommand.Withdraw.class, w -> {
          for (Key k : List.copyOf(byAttempt.keySet())) if (k.attemptId().equals(w.attemptId())) remove(k);
          return this;
        })
        .onMessage(QueueCommand.Demand.class, this::onDemand)
        .onMessage(QueueCommand.Decline.class, this::onDecline)
        .onMessage(QueueCommand.GetInfo.class, g -> {
          g.replyTo().tell(new QueueCommand.QueueInfo(name, waiting.size(), workers.size(), handedOut));
          return this;
        })
        .onMessage(TaskGone.class, g -> {
          remove(new Key(g.attemptId(), g.task()));
          return this;
        })
        .onMessage(WorkerGone.class, g -> {
          workers.remove(g.worker());
          return this;
        })
        .onSignal(PostStop.class, s -> {
          // The queue moves to another node (or the node stops): this node hosts it no longer.
          gauges.set(0, 0);
          return this;
        })
        .build();
  }

  private Behavior<QueueCommand> onEnqueue(QueueCommand.Enqueue e) {
    Key key = new Key(e.attemptId(), e.task());
    Ticket old = byAttempt.remove(key);
    if (old != null) waiting.remove(old);
    Ticket t = new Ticket(e.attemptId(), e.priority(), e.seq(), e.task());
    waiting.add(t);
    byAttempt.put(key, t);
    getContext().watchWith(e.task(), new TaskGone(e.attemptId(), e.task()));
    e.task().tell(new TaskCommand.Enqueued(e.attemptId(), getContext().getSelf()));
    dispatch();
    return this;
  }

  private Behavior<QueueCommand> onDemand(QueueCommand.Demand d) {
    if (!WorkerAddress.isAlive(cluster, d.workerAddress())) {
      // A demand that outlived its worker (buffered while this queue moved): taking it would hand
      // tasks to a node that is gone, and a watch on an actor of a removed node may never fire.
      getContext().getLog().debug("queue {}: ignoring slots of worker {}, which is not up", name, d.nodeId());
      if (workers.remove(d.worker()) != null) getContext().unwatch(d.worker());
      return this;
    }
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

  private void remove(Key key) {
    Ticket t = byAttempt.remove(key);
    if (t != null) {
      waiting.remove(t);
      getContext().unwatch(t.task());
    }
    gauges.set(waiting.size(), handedOut);
  }

  /** Hands the best waiting tasks to the workers with the most free slots, and shows the queue's new size. */
  private void dispatch() {
    handOut();
    gauges.set(waiting.size(), handedOut);
  }

  private void handOut() {
    if (waiting.isEmpty()) return;
    // Only to members that are up: a worker that left (or is leaving) gets nothing more.
    workers.entrySet().removeIf(w -> {
      boolean gone = !WorkerAddress.isAlive(cluster, w.getValue().address);
      if (gone) getContext().unwatch(w.getKey());
      return gone;
    });
    while (!waiting.isEmpty()) {
      Map.Entry<ActorRef<WorkerCommand>, Slots> best = null;
      for (Map.Entry<ActorRef<WorkerCommand>, Slots> w : workers.entrySet()) {
        if (w.getValue().free > 0 && (best == null || w.getValue().free > best.getValue().free)) best = w;
      }
      if (best == null) return;
      Ticket t = waiting.pollFirst();
      byAttempt.remove(new Key(t.attemptId(), t.task()));
      getContext().unwatch(t.task());
      best.getValue().free--;
      handedOut++;
      t.task().tell(new TaskCommand.Assigned(t.attemptId(), best.getKey(), best.getValue().nodeId,
          best.getValue().address, getContext().getSelf()));
    }
  }
}
