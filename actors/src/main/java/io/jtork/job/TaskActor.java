package io.jtork.job;

import io.jtork.cluster.Roles;
import io.jtork.dispatch.QueueCommand;
import io.jtork.dispatch.TaskCommand;
import io.jtork.dispatch.TaskWork;
import io.jtork.dispatch.WorkerAddress;
import io.jtork.dispatch.WorkerCommand;
import io.jtork.event.TaskFailed;
import io.jtork.queue.TaskQueue;
import io.jtork.spec.GoDuration;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * Drives one run of one task, as a child of its {@link JobEntity}: waits in the task's queue,
 * hands the work to the worker the queue picked, watches that worker, and reports what happens
 * to the job. It is the only one that sends this attempt to a worker, once at a time.
 *
 * <p>When a job recovers (its node restarted, or its shard moved), a task actor first asks the
 * workers whether the attempt still runs and re-attaches to it, so that the task does not run
 * twice; only when no worker has it is the run declared lost.
 */
final class TaskActor {

  /** Timings; see {@code jtork.task} in {@code conf/jtork.conf}. */
  record Settings(Duration deadlineGrace, Duration probeTimeout, Duration workerDiscoveryTimeout,
      Duration queueTimeout, Duration startReportDelay) {}

  /** Stop this run: the job was cancelled or failed. */
  record Cancel() implements TaskCommand {}

  private record WorkerGone() implements TaskCommand {}

  private record QueueGone() implements TaskCommand {}

  private record DeadlineReached() implements TaskCommand {}

  private record WorkersListed(Set<ActorRef<WorkerCommand>> workers) implements TaskCommand {}

  private record FindWorkers() implements TaskCommand {}

  private record ProbeTimedOut() implements TaskCommand {}

  private record QueueTimedOut() implements TaskCommand {}

  private record BackoffOver() implements TaskCommand {}

  private record EnqueueAgain() implements TaskCommand {}

  private record ConfirmStart() implements TaskCommand {}

  private record RefreshTicket() implements TaskCommand {}

  private record ReportStart() implements TaskCommand {}

  /** A waiting task actor sends its ticket again this often, in case the queue lost it. */
  private static final Duration REFRESH_EVERY = Duration.ofSeconds(30);

  /** How long a task actor waits for its worker to say it started the run before it asks again. */
  private static final Duration START_WITHIN = Duration.ofSeconds(10);

  /**
   * How long a task actor waits for its queue to confirm a ticket before it sends it again: the
   * queue's node may have died with the ticket (or the confirmation) in flight, and until a queue
   * confirms there is nothing to watch.
   */
  private static final Duration CONFIRM_WITHIN = Duration.ofSeconds(5);

  private final ActorContext<TaskCommand> ctx;
  private final TimerScheduler<TaskCommand> timers;
  private final TaskWork work;
  private final String attemptId;
  private final ActorRef<JobEntity.Command> job;
  private final Settings settings;
  private final ClusterSharding sharding;
  /** Whether the worker this run was handed to said it started it (or a probe found it running). */
  private boolean startConfirmed;
  /**
   * The start, held back for {@code startReportDelay} so that a run ending sooner is journaled in
   * one write with its end; null once reported. Whatever this actor reports next goes after it.
   */
  private TaskReport.RunStarted heldStart;

  static Behavior<TaskCommand> create(TaskWork work, ActorRef<JobEntity.Command> job, Settings settings,
      Recovery recovery) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      TaskActor a = new TaskActor(ctx, timers, work, job, settings);
      return recovery == null ? a.start() : a.recover(recovery);
    }));
  }

  /** How the run stood in the journal when its job recovered. */
  record Recovery(boolean wasRunning, String workerAddress) {}

  private TaskActor(ActorContext<TaskCommand> ctx, TimerScheduler<TaskCommand> timers, TaskWork work,
      ActorRef<JobEntity.Command> job, Settings settings) {
    this.ctx = ctx;
    this.timers = timers;
    this.work = work;
    this.attemptId = work.attemptId();
    this.job = job;
    this.settings = settings;
    this.sharding = ClusterSharding.get(ctx.getSystem());
  }

  // ---- waiting in the queue ------------------------------------------------------------------

  /** Queues the run, after waiting out a retry's backoff ({@code notBefore}) if it has one. */
  private Behavior<TaskCommand> start() {
    Instant notBefore = work.notBefore();
    if (notBefore == null || !notBefore.isAfter(Instant.now())) return enqueue();
    timers.startSingleTimer(new BackoffOver(), GoDuration.schedulable(Duration.between(Instant.now(), notBefore)));
    return Behaviors.receive(TaskCommand.class)
        .onMessage(BackoffOver.class, b -> enqueue())
        .onMessage(Cancel.class, c -> Behaviors.stopped())
        .onAnyMessage(m -> Behaviors.same())
        .build();
  }

  private Behavior<TaskCommand> enqueue() {
    sendTicket();
    timers.startTimerWithFixedDelay("enqueue-again", new EnqueueAgain(), CONFIRM_WITHIN);
    // Counted from the first enqueue: a rejection by a worker sends the task back without a new clock.
    Duration limit = settings.queueTimeout();
    if (limit != null && !limit.isZero() && !timers.isTimerActive("queued")) {
      timers.startSingleTimer("queued", new QueueTimedOut(), GoDuration.schedulable(limit));
    }
    return waiting(null);
  }

  private void sendTicket() {
    ctx.getLog().debug("attempt {}: ticket to queue {}", attemptId, work.queue());
    TaskQueue.ref(sharding, work.queue()).tell(new QueueCommand.Enqueue(attemptId, work.priority(), seq(),
        ctx.getSelf()));
  }

  private long seq() {
    Instant t = work.taskCreatedAt();
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }

  private Behavior<TaskCommand> waiting(ActorRef<QueueCommand> queue) {
    return Behaviors.receive(TaskCommand.class)
        .onMessage(EnqueueAgain.class, e -> {
          sendTicket();
          return Behaviors.same();
        })
        .onMessage(RefreshTicket.class, r -> {
          // The queue keeps a ticket per task actor, so this is a no-op unless the ticket was lost.
          if (queue != null) sendTicket();
          return Behaviors.same();
        })
        .onMessage(TaskCommand.Enqueued.class, e -> {
          if (!e.attemptId().equals(attemptId)) return Behaviors.same();
          ctx.getLog().debug("attempt {}: queued at {}", attemptId, e.queue());
          timers.cancel("enqueue-again");
          if (!timers.isTimerActive("refresh-ticket")) {
            timers.startTimerWithFixedDelay("refresh-ticket", new RefreshTicket(), REFRESH_EVERY);
          }
          if (queue != null) ctx.unwatch(queue);
          ctx.watchWith(e.queue(), new QueueGone());
          return waiting(e.queue());
        })
        .onMessage(QueueGone.class, g -> {
          ctx.getLog().debug("attempt {}: its queue stopped; queuing again", attemptId);
          return enqueue();
        })
        .onMessage(QueueTimedOut.class, t -> {
          TaskQueue.ref(sharding, work.queue()).tell(new QueueCommand.Withdraw(attemptId));
          job.tell(new TaskReport.RunFailed(work.taskId(), work.run(), "no worker took the task from queue \""
              + work.queue() + "\" within " + GoDuration.format(settings.queueTimeout()) + " (jtork.task.queue-timeout):"
              + " no worker serving the queue had a healthy runtime and a free slot", TaskFailed.Cause.NOT_DISPATCHED,
              Instant.now()));
          return Behaviors.stopped();
        })
        .onMessage(TaskCommand.Assigned.class, a -> {
          if (!a.attemptId().equals(attemptId)) return Behaviors.same();
          timers.cancel("queued");
          timers.cancel("enqueue-again");
          timers.cancel("refresh-ticket");
          if (queue != null) ctx.unwatch(queue);
          if (!WorkerAddress.isAlive(Cluster.get(ctx.getSystem()), a.workerAddress())) {
            ctx.getLog().debug("attempt {}: assigned to worker {}, which is not up; queuing again", attemptId,
                a.nodeId());
            if (queue != null) ctx.unwatch(queue);
            return enqueue();
          }
          ctx.getLog().debug("attempt {}: assigned to worker {}", attemptId, a.nodeId());
          a.worker().tell(new WorkerCommand.RunTask(work, ctx.getSelf()));
          ctx.watchWith(a.worker(), new WorkerGone());
          timers.startSingleTimer("confirm-start", new ConfirmStart(), START_WITHIN);
          return dispatched(a.worker(), a.nodeId(), a.workerAddress());
        })
        .onMessage(Cancel.class, c -> {
          TaskQueue.ref(sharding, work.queue()).tell(new QueueCommand.Withdraw(attemptId));
          return Behaviors.stopped();
        })
        .onAnyMessage(m -> Behaviors.same())
        .build();
  }

  // ---- handed to a worker ------------------------------------------------------------------

  private Behavior<TaskCommand> dispatched(ActorRef<WorkerCommand> worker, String nodeId, String workerAddress) {
    return Behaviors.receive(TaskCommand.class)
        .onMessage(ConfirmStart.class, c -> {
          // The worker has neither started, refused nor finished the run: RunTask is idempotent, so
          // ask again while the worker is a member; once it is not, the run is lost with it.
          if (!WorkerAddress.isMember(Cluster.get(ctx.getSystem()), workerAddress)) {
            ctx.getSelf().tell(new WorkerGone());
            return Behaviors.same();
          }
          ctx.getLog().debug("attempt {}: worker {} has not confirmed the start; sending the run again", attemptId,
              nodeId);
          worker.tell(new WorkerCommand.RunTask(work, ctx.getSelf()));
          timers.startSingleTimer("confirm-start", new ConfirmStart(), START_WITHIN);
          return Behaviors.same();
        })
        .onMessage(TaskCommand.Rejected.class, r -> {
          if (!r.attemptId().equals(attemptId)) return Behaviors.same();
          ctx.unwatch(worker);
          timers.cancel("confirm-start");
          ctx.getLog().debug("attempt {} rejected by worker {}: {}", attemptId, nodeId, r.reason());
          return enqueue();
        })
        .onMessage(TaskCommand.Started.class, s -> {
          if (!s.attemptId().equals(attemptId)) return Behaviors.same();
          timers.cancel("confirm-start");
          if (startConfirmed) return Behaviors.same();
          startConfirmed = true;
          var started = new TaskReport.RunStarted(work.taskId(), work.run(), s.nodeId(), s.workerAddress(), s.at());
          if (settings.startReportDelay().isZero()) {
            job.tell(started);
          } else {
            heldStart = started;
            timers.startSingleTimer("report-start", new ReportStart(), settings.startReportDelay());
          }
          startDeadline();
          return Behaviors.same();
        })
        .onMessage(ReportStart.class, r -> {
          report();
          return Behaviors.same();
        })
        .onMessage(TaskCommand.Progressed.class, p -> {
          if (p.attemptId().equals(attemptId)) {
            report(new TaskReport.RunProgressed(work.taskId(), work.run(), p.progress()));
          }
          return Behaviors.same();
        })
        .onMessage(TaskCommand.Succeeded.class, s -> s.attemptId().equals(attemptId) ? finish(s, worker)
            : Behaviors.same())
        .onMessage(TaskCommand.Failed.class, f -> f.attemptId().equals(attemptId) ? finish(f, worker)
            : Behaviors.same())
        .onMessage(TaskCommand.Assigned.class, a -> {
          // A second assignment (the ticket was re-sent while the first was on its way): give the slot back.
          a.queue().tell(new QueueCommand.Decline(a.attemptId(), a.worker()));
          return Behaviors.same();
        })
        .onMessage(WorkerGone.class, g -> {
          // Unconfirmed, the run may have begun there or not: the lost attempt names the node either way.
          String when = startConfirmed ? "while the task ran"
              : "after the task was handed to it, before it confirmed the start";
          report(new TaskReport.RunLost(work.taskId(), work.run(),
              "worker lost: node " + nodeId + " left the cluster " + when, startConfirmed ? null : nodeId));
          return Behaviors.stopped();
        })
        .onMessage(DeadlineReached.class, d -> {
          worker.tell(new WorkerCommand.CancelRun(attemptId));
          Duration limit = work.timeout().plus(settings.deadlineGrace());
          report(new TaskReport.RunFailed(work.taskId(), work.run(), "timeout: worker " + nodeId
              + " gave no result within " + GoDuration.format(limit) + " (context deadline exceeded)", TaskFailed.Cause.DEADLINE,
              Instant.now()));
          return Behaviors.stopped();
        })
        .onMessage(Cancel.class, c -> {
          worker.tell(new WorkerCommand.CancelRun(attemptId));
          report();
          return Behaviors.stopped();
        })
        .onAnyMessage(m -> Behaviors.same())
        .build();
  }

  /** Reports the held-back start, if any, and then {@code next} in the same write as it. */
  private void report(TaskReport... next) {
    timers.cancel("report-start");
    if (heldStart != null && next.length > 0) {
      List<TaskReport> all = new ArrayList<>(List.of(heldStart));
      all.addAll(List.of(next));
      job.tell(new ReportBuffer.Together(all));
    } else {
      if (heldStart != null) job.tell(heldStart);
      for (TaskReport r : next) job.tell(r);
    }
    heldStart = null;
  }

  /** A backstop: the worker enforces the timeout; this catches a worker that went silent. */
  private void startDeadline() {
    if (work.timeout() != null && !work.timeout().isZero() && !timers.isTimerActive("deadline")) {
      timers.startSingleTimer("deadline", new DeadlineReached(),
          GoDuration.schedulable(work.timeout().plus(settings.deadlineGrace())));
    }
  }

  /** Reports the outcome to the job and tells the worker it arrived, so the worker stops sending it. */
  private Behavior<TaskCommand> finish(TaskCommand.Outcome outcome, ActorRef<WorkerCommand> worker) {
    worker.tell(new WorkerCommand.OutcomeReceived(attemptId));
    if (outcome instanceof TaskCommand.Succeeded s) {
      report(new TaskReport.RunSucceeded(work.taskId(), work.run(), s.result(), s.at()));
    } else if (outcome instanceof TaskCommand.Failed f) {
      report(new TaskReport.RunFailed(work.taskId(), work.run(), f.error(), f.cause(), f.at()));
    }
    return Behaviors.stopped();
  }

  // ---- re-attaching after the job recovered --------------------------------------------------

  private Behavior<TaskCommand> recover(Recovery recovery) {
    ActorRef<Receptionist.Listing> adapter = ctx.messageAdapter(Receptionist.Listing.class,
        l -> new WorkersListed(l.getServiceInstances(WorkerCommand.KEY)));
    boolean mayStillRun = recovery.wasRunning()
        && WorkerAddress.isAlive(Cluster.get(ctx.getSystem()), recovery.workerAddress());
    Instant giveUp = Instant.now().plus(settings.workerDiscoveryTimeout());
    ctx.getSystem().receptionist().tell(Receptionist.find(WorkerCommand.KEY, adapter));
    return Behaviors.receive(TaskCommand.class)
        .onMessage(WorkersListed.class, l -> {
          boolean workerListed = l.workers().stream().anyMatch(w -> recovery.workerAddress() != null
              && recovery.workerAddress().startsWith(addressOf(w) + "#"));
          // A worker member that is not listed yet (the listing is still spreading, as on a coordinator
          // that just joined) may be the one running this attempt, even if the journal does not say
          // it started: probe only once every worker member is listed, or the wait is over.
          boolean allListed = workerMembers().stream().allMatch(a -> l.workers().stream()
              .anyMatch(w -> addressOf(w).equals(a)));
          if ((mayStillRun && !workerListed || !allListed) && Instant.now().isBefore(giveUp)) {
            timers.startSingleTimer(new FindWorkers(), Duration.ofMillis(250));
            return Behaviors.same();
          }
          if (l.workers().isEmpty()) return afterProbes(recovery);
          l.workers().forEach(w -> w.tell(new WorkerCommand.ProbeRun(attemptId, ctx.getSelf())));
          timers.startSingleTimer(new ProbeTimedOut(), settings.probeTimeout());
          return probing(recovery, new HashSet<>(l.workers()));
        })
        .onMessage(FindWorkers.class, f -> {
          ctx.getSystem().receptionist().tell(Receptionist.find(WorkerCommand.KEY, adapter));
          return Behaviors.same();
        })
        .onMessage(Cancel.class, c -> Behaviors.stopped())
        .onAnyMessage(m -> Behaviors.same())
        .build();
  }

  private Behavior<TaskCommand> probing(Recovery recovery, Set<ActorRef<WorkerCommand>> waitingFor) {
    return Behaviors.receive(TaskCommand.class)
        .onMessage(TaskCommand.ProbeAnswer.class, a -> {
          if (!a.attemptId().equals(attemptId)) return Behaviors.same();
          switch (a.status()) {
            case RUNNING -> {
              timers.cancel(ProbeTimedOut.class);
              ctx.getLog().info("attempt {} re-attached to worker {}", attemptId, a.nodeId());
              startConfirmed = true;
              ctx.watchWith(a.worker(), new WorkerGone());
              if (!recovery.wasRunning()) {
                job.tell(new TaskReport.RunStarted(work.taskId(), work.run(), a.nodeId(), a.workerAddress(),
                    Instant.now()));
              }
              startDeadline();
              return dispatched(a.worker(), a.nodeId(), a.workerAddress());
            }
            case FINISHED -> {
              timers.cancel(ProbeTimedOut.class);
              return finish(a.outcome(), a.worker());
            }
            default -> {
              waitingFor.remove(a.worker());
              return waitingFor.isEmpty() ? afterProbes(recovery) : Behaviors.same();
            }
          }
        })
        .onMessage(ProbeTimedOut.class, t -> afterProbes(recovery))
        .onMessage(Cancel.class, c -> Behaviors.stopped())
        .onAnyMessage(m -> Behaviors.same())
        .build();
  }

  /** The addresses of the cluster's workers that are up or leaving (a leaving one still runs its tasks). */
  private List<String> workerMembers() {
    List<String> out = new ArrayList<>();
    for (Member m : Cluster.get(ctx.getSystem()).state().getMembers()) {
      var status = m.status();
      if (m.hasRole(Roles.WORKER) && (status == MemberStatus.up()
          || status == MemberStatus.weaklyUp()
          || status == MemberStatus.leaving())) {
        out.add(m.address().toString());
      }
    }
    return out;
  }

  private String addressOf(ActorRef<?> ref) {
    return ref.path().address().hasGlobalScope() ? ref.path().address().toString()
        : Cluster.get(ctx.getSystem()).selfMember().address().toString();
  }

  /** No worker has the attempt: a run that was started is lost; one that was only queued is queued again. */
  private Behavior<TaskCommand> afterProbes(Recovery recovery) {
    timers.cancel(ProbeTimedOut.class);
    ctx.getLog().debug("attempt {}: no worker has it (was running: {})", attemptId, recovery.wasRunning());
    if (recovery.wasRunning()) {
      job.tell(new TaskReport.RunLost(work.taskId(), work.run(), "worker lost: no worker is running attempt "
          + attemptId + " any more (its node restarted or left the cluster)", null));
      return Behaviors.stopped();
    }
    return start();
  }
}
