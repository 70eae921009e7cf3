package io.jtork.worker;

import com.sun.management.OperatingSystemMXBean;
import io.jtork.dispatch.QueueCommand;
import io.jtork.dispatch.TaskCommand;
import io.jtork.dispatch.TaskWork;
import io.jtork.dispatch.WorkerCommand;
import io.jtork.event.TaskFailed;
import io.jtork.logs.TaskLogWriter;
import io.jtork.queue.TaskQueue;
import io.jtork.runtime.TaskRuntime;
import io.jtork.store.TaskLogStore;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * A worker: it serves named queues, each with a number of slots, and runs the attempts task
 * actors send it. It remembers recent outcomes so that a task actor that re-attaches after a
 * fail-over still learns how its run ended.
 */
public final class WorkerNode extends AbstractBehavior<WorkerCommand> {
  private static final int KEEP_FINISHED = 2_000;
  private static final int MAX_PENDING_LOG_PARTS = 10_000;

  /**
   * @param queues queue name to slots
   * @param defaultTimeout applied to tasks without their own timeout; null for none
   * @param progressInterval how often {@code $TORK_PROGRESS} is read
   */
  public record Settings(Map<String, Integer> queues, Duration defaultTimeout, Duration progressInterval) {}

  /** What the worker reports about itself (for {@code /nodes} and {@code /health}). */
  public record Identity(String nodeId, String address, String runtime) {}

  private record HealthTick() implements WorkerCommand {}

  /**
   * Stop taking tasks and answer once the running ones have finished and their task actors have
   * acknowledged the outcomes (a graceful stop); the
   * answer comes at the latest after {@code timeout}, and whatever still runs is then killed
   * when the node stops.
   */
  public record Drain(Duration timeout, ActorRef<Done> replyTo) implements WorkerCommand {}

  private record DrainTimedOut() implements WorkerCommand {}

  record RunnerReport(String attemptId, TaskCommand.FromWorker report) implements WorkerCommand {}

  /** A runner ended: with an outcome, or cancelled, or (neither) it crashed. */
  record RunnerDone(String attemptId, TaskCommand.Outcome outcome, boolean cancelled) implements WorkerCommand {}

  record ShipLogs(List<TaskLogStore.NewPart> parts) implements WorkerCommand {
    @Override
    public String toString() {
      return "ShipLogs[" + parts.size() + "]";
    }
  }

  private record WritersChanged(Set<ActorRef<TaskLogWriter.Command>> writers) implements WorkerCommand {}

  private record QueueLost(String queue) implements WorkerCommand {}

  private record Resubscribe(String queue) implements WorkerCommand {}

  private static final class Running {
    final TaskWork work;
    ActorRef<TaskCommand> replyTo;
    final ActorRef<TaskRunner.Command> runner;
    /** What the runner reported when it started, to repeat to a task actor that asks again. */
    TaskCommand.Started started;

    Running(TaskWork work, ActorRef<TaskCommand> replyTo, ActorRef<TaskRunner.Command> runner) {
      this.work = work;
      this.replyTo = replyTo;
      this.runner = runner;
    }
  }

  private final Settings settings;
  private final Identity identity;
  private final TaskRuntime runtime;
  /** Whether the runtime answered at the last check; an unhealthy worker offers no slots. */
  private boolean healthy;
  private final ClusterSharding sharding;
  private final TimerScheduler<WorkerCommand> timers;
  private final Map<String, Running> running = new HashMap<>();
  private final Map<String, Integer> busy = new HashMap<>();
  private final LinkedHashMap<String, TaskCommand.Outcome> finished = new LinkedHashMap<>(16, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, TaskCommand.Outcome> eldest) {
      return size() > KEEP_FINISHED;
    }
  };
  /** Set by {@link Drain}: who waits for the running tasks to end; no task is taken meanwhile. */
  private ActorRef<Done> drainWaiter;
  private boolean draining;
  private int ticks;
  /** Outcomes sent but not yet acknowledged, with where they go and when they were first sent. */
  private final Map<String, Unacked> unacked = new LinkedHashMap<>();

  private record Unacked(TaskCommand.Outcome outcome, ActorRef<TaskCommand> replyTo, Instant since) {}

  /** An outcome nobody acknowledged within this long is given up on (a probe still finds it in {@code finished}). */
  private static final Duration UNACKED_FOR_AT_MOST = Duration.ofMinutes(10);
  private final List<ActorRef<TaskLogWriter.Command>> writers = new ArrayList<>();
  private final Deque<TaskLogStore.NewPart> pendingLogs = new ArrayDeque<>();

  public static Behavior<WorkerCommand> create(Settings settings, Identity identity, TaskRuntime runtime) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new WorkerNode(ctx, timers, settings, identity,
        runtime)));
  }

  private WorkerNode(ActorContext<WorkerCommand> ctx, TimerScheduler<WorkerCommand> timers, Settings settings,
      Identity identity, TaskRuntime runtime) {
    super(ctx);
    this.settings = settings;
    this.identity = identity;
    this.runtime = runtime;
    this.timers = timers;
    this.sharding = ClusterSharding.get(ctx.getSystem());
    ctx.getSystem().receptionist().tell(Receptionist.register(WorkerCommand.KEY, ctx.getSelf()));
    ActorRef<Receptionist.Listing> listings = ctx.messageAdapter(Receptionist.Listing.class,
        l -> new WritersChanged(l.getServiceInstances(TaskLogWriter.KEY)));
    ctx.getSystem().receptionist().tell(Receptionist.subscribe(TaskLogWriter.KEY, listings));
    this.healthy = runtime.isHealthy();
    settings.queues().forEach((q, slots) -> offer(q, true));
    timers.startTimerWithFixedDelay(new HealthTick(), Duration.ofSeconds(1));
    ctx.getLog().info("worker {} serves queues {} on the {} runtime", identity.nodeId(), settings.queues(),
        runtime.name());
  }

  @Override
  public Receive<WorkerCommand> createReceive() {
    return newReceiveBuilder()
        .onMessage(WorkerCommand.RunTask.class, this::onRunTask)
        .onMessage(WorkerCommand.CancelRun.class, c -> {
          Running r = running.get(c.attemptId());
          if (r != null) r.runner.tell(new TaskRunner.Cancel());
          return this;
        })
        .onMessage(WorkerCommand.ProbeRun.class, this::onProbe)
        .onMessage(WorkerCommand.Describe.class, d -> {
          d.replyTo().tell(describe());
          return this;
        })
        .onMessage(WorkerCommand.QueueSubscribed.class, q -> {
          getContext().watchWith(q.queueRef(), new QueueLost(q.queue()));
          return this;
        })
        .onMessage(QueueLost.class, q -> {
          timers.startSingleTimer("resubscribe-" + q.queue(), new Resubscribe(q.queue()), Duration.ofMillis(500));
          return this;
        })
        .onMessage(Resubscribe.class, r -> {
          offer(r.queue(), true);
          return this;
        })
        .onMessage(RunnerReport.class, r -> {
          Running run = running.get(r.attemptId());
          if (run != null) {
            if (r.report() instanceof TaskCommand.Started st) run.started = st;
            run.replyTo.tell(r.report());
          }
          return this;
        })
        .onMessage(RunnerDone.class, this::onRunnerDone)
        .onMessage(HealthTick.class, h -> {
          checkHealth();
          // Every 5 s the queues hear the worker's true free slots: a slot handed to a task actor that
          // died before it sent the run (its coordinator was killed) would otherwise stay taken.
          if (++ticks % 5 == 0) settings.queues().forEach((q, slots) -> offer(q, true));
          if (ticks % 2 == 0) resendOutcomes();
          return this;
        })
        .onMessage(WorkerCommand.OutcomeReceived.class, o -> {
          unacked.remove(o.attemptId());
          drainedIfDone();
          return this;
        })
        .onMessage(Drain.class, this::onDrain)
        .onMessage(DrainTimedOut.class, t -> {
          getContext().getLog().warn("worker {}: {} task(s) still running after the drain timeout; they are killed",
              identity.nodeId(), running.size());
          drained();
          return this;
        })
        .onSignal(PostStop.class, p -> {
          if (!running.isEmpty()) {
            getContext().getLog().warn("worker {} stops: killing its {} running task(s) {}", identity.nodeId(),
                running.size(), running.keySet());
          }
          return this;
        })

        .onMessage(ShipLogs.class, s -> {
          pendingLogs.addAll(s.parts());
          while (pendingLogs.size() > MAX_PENDING_LOG_PARTS) pendingLogs.pollFirst();
          shipLogs();
          return this;
        })
        .onMessage(WritersChanged.class, w -> {
          writers.clear();
          writers.addAll(w.writers());
          // In one order on every worker, so that a job's parts go to the same writer from each.
          writers.sort(Comparator.comparing(r -> r.path().toString()));
          shipLogs();
          return this;
        })
        .build();
  }

  private final Instant startedAt = Instant.now();
  /** Looked up once: a name lookup may block, and {@code /nodes} asks often. */
  private final String host = hostName();

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "localhost";
    }
  }

  private WorkerCommand.NodeInfo describe() {
    double cpu = 0;
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof OperatingSystemMXBean os) {
      cpu = Math.max(0, os.getProcessCpuLoad() * 100.0);
    }
    var self = Cluster.get(getContext().getSystem()).selfMember().address();
    return new WorkerCommand.NodeInfo(identity.nodeId(), host, startedAt, Math.round(cpu * 100.0) / 100.0,
        Instant.now(), "x-" + identity.nodeId(), healthy ? "UP" : "DOWN", host,
        self.getPort().orElse(0), running.size(), VERSION, settings.queues(), runtime.name());
  }

  /** The version nodes report. */
  public static final String VERSION = "0.1.0";

  private Behavior<WorkerCommand> onDrain(Drain d) {
    draining = true;
    drainWaiter = d.replyTo();
    getContext().getLog().info("worker {} is stopping: it takes no new task and waits up to {} for its {} running"
        + " task(s)", identity.nodeId(), d.timeout(), running.size());
    settings.queues().forEach((q, slots) -> offer(q, true));
    timers.startSingleTimer(new DrainTimedOut(), d.timeout());
    drainedIfDone();
    return this;
  }

  private void resendOutcomes() {
    Instant tooOld = Instant.now().minus(UNACKED_FOR_AT_MOST);
    unacked.values().removeIf(u -> u.since().isBefore(tooOld));
    unacked.values().forEach(u -> u.replyTo().tell(u.outcome()));
  }

  /** While draining: answers once nothing runs and every outcome was acknowledged. */
  private void drainedIfDone() {
    if (draining && running.isEmpty() && unacked.isEmpty()) drained();
  }

  private void drained() {
    timers.cancel(DrainTimedOut.class);
    if (drainWaiter != null) drainWaiter.tell(Done.done());
    drainWaiter = null;
  }

  private Behavior<WorkerCommand> onRunTask(WorkerCommand.RunTask r) {
    TaskWork work = r.work();
    String id = work.attemptId();
    Running existing = running.get(id);
    if (existing != null) {
      existing.replyTo = r.replyTo();
      if (existing.started != null) r.replyTo().tell(existing.started);
      return this;
    }
    TaskCommand.Outcome outcome = finished.get(id);
    if (outcome != null) {
      r.replyTo().tell(outcome);
      unacked.computeIfPresent(id, (k, u) -> new Unacked(u.outcome(), r.replyTo(), u.since()));
      return this;
    }
    if (draining) {
      r.replyTo().tell(new TaskCommand.Rejected(id, "worker " + identity.nodeId() + " is stopping"));
      return this;
    }
    checkHealth();
    if (!healthy) {
      r.replyTo().tell(new TaskCommand.Rejected(id, "worker " + identity.nodeId() + ": the " + runtime.name()
          + " runtime is not healthy"));
      return this;
    }
    int slots = settings.queues().getOrDefault(work.queue(), 0);
    int used = busy.getOrDefault(work.queue(), 0);
    if (used >= slots) {
      r.replyTo().tell(new TaskCommand.Rejected(id, slots == 0
          ? "worker " + identity.nodeId() + " does not serve queue " + work.queue()
          : "worker " + identity.nodeId() + " has no free slot on queue " + work.queue()));
      return this;
    }
    TaskWork effective = work.timeout() == null && settings.defaultTimeout() != null
        ? new TaskWork(work.jobId(), work.taskId(), work.run(), work.position(), work.taskCreatedAt(), work.queue(),
            work.priority(), work.spec(), settings.defaultTimeout(), work.secretValues(), work.notBefore())
        : work;
    ActorRef<TaskRunner.Command> runner = getContext().spawn(
        TaskRunner.create(effective, runtime, getContext().getSelf(), identity, settings.progressInterval()),
        "run-" + id);
    getContext().watchWith(runner, new RunnerDone(id, null, false));
    running.put(id, new Running(effective, r.replyTo(), runner));
    busy.merge(work.queue(), 1, Integer::sum);
    return this;
  }

  private Behavior<WorkerCommand> onProbe(WorkerCommand.ProbeRun p) {
    Running r = running.get(p.attemptId());
    if (r != null) {
      r.replyTo = p.replyTo();
      p.replyTo().tell(new TaskCommand.ProbeAnswer(p.attemptId(), TaskCommand.ProbeStatus.RUNNING,
          getContext().getSelf(), identity.nodeId(), identity.address(), null));
    } else if (finished.containsKey(p.attemptId())) {
      unacked.computeIfPresent(p.attemptId(), (k, u) -> new Unacked(u.outcome(), p.replyTo(), u.since()));
      p.replyTo().tell(new TaskCommand.ProbeAnswer(p.attemptId(), TaskCommand.ProbeStatus.FINISHED,
          getContext().getSelf(), identity.nodeId(), identity.address(), finished.get(p.attemptId())));
    } else {
      p.replyTo().tell(new TaskCommand.ProbeAnswer(p.attemptId(), TaskCommand.ProbeStatus.UNKNOWN,
          getContext().getSelf(), identity.nodeId(), identity.address(), null));
    }
    return this;
  }

  private Behavior<WorkerCommand> onRunnerDone(RunnerDone d) {
    Running r = running.remove(d.attemptId());
    if (r == null) return this;
    getContext().unwatch(r.runner);
    TaskCommand.Outcome outcome = d.outcome();
    if (outcome == null && !d.cancelled()) {
      // The runner stopped without an outcome and was not cancelled: it crashed.
      outcome = new TaskCommand.Failed(d.attemptId(), "worker " + identity.nodeId() + " lost the run unexpectedly",
          TaskFailed.Cause.TASK, Instant.now());
    }
    if (outcome != null) {
      finished.put(d.attemptId(), outcome);
      r.replyTo.tell(outcome);
      unacked.put(d.attemptId(), new Unacked(outcome, r.replyTo, Instant.now()));
    }
    busy.merge(r.work.queue(), -1, Integer::sum);
    offer(r.work.queue(), false);
    drainedIfDone();
    return this;
  }

  private void checkHealth() {
    boolean now = runtime.isHealthy();
    if (now == healthy) return;
    healthy = now;
    if (now) getContext().getLog().info("worker {}: the {} runtime is healthy again; taking tasks",
        identity.nodeId(), runtime.name());
    else getContext().getLog().warn("worker {}: the {} runtime is not healthy; taking no tasks until it is",
        identity.nodeId(), runtime.name());
    // Re-offers every slot from scratch: none while unhealthy, all free ones after.
    settings.queues().forEach((q, slots) -> offer(q, true));
  }

  /** Offers this queue's free slots: all of them ({@code reset}) or the one just freed. */
  private void offer(String queue, boolean reset) {
    boolean ok = healthy && !draining && runtime.isHealthy();
    if (!ok && !reset) return;
    int slots = settings.queues().getOrDefault(queue, 0);
    int free = !ok ? 0 : reset ? slots - busy.getOrDefault(queue, 0) : 1;
    TaskQueue.ref(sharding, queue).tell(new QueueCommand.Demand(getContext().getSelf(), identity.nodeId(),
        identity.address(), Math.max(0, free), reset));
  }

  /**
   * Sends the parts waiting to the coordinators' log writers: all of a job's parts to one writer
   * (by its id), which writes them in order, so that the order the database numbers them in is the
   * order they were printed in (the live log stream sends them in that order).
   */
  private void shipLogs() {
    if (writers.isEmpty() || pendingLogs.isEmpty()) return;
    Map<ActorRef<TaskLogWriter.Command>, List<TaskLogStore.NewPart>> byWriter = new LinkedHashMap<>();
    for (TaskLogStore.NewPart p : pendingLogs) {
      byWriter.computeIfAbsent(writers.get(Math.floorMod(p.jobId().hashCode(), writers.size())),
          w -> new ArrayList<>()).add(p);
    }
    byWriter.forEach((w, parts) -> w.tell(new TaskLogWriter.Append(parts)));
    pendingLogs.clear();
  }

}
