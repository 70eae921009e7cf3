package io.jtork.job;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.jtork.dispatch.TaskCommand;
import io.jtork.dispatch.TaskWork;
import io.jtork.event.JobAdvanced;
import io.jtork.event.JobCancelled;
import io.jtork.event.JobCompleted;
import io.jtork.event.JobDeleted;
import io.jtork.event.JobEvent;
import io.jtork.event.JobFailed;
import io.jtork.event.JobRestarted;
import io.jtork.event.JobRunning;
import io.jtork.event.JobStarted;
import io.jtork.event.JobSubmitted;
import io.jtork.event.TaskCancelled;
import io.jtork.event.TaskCompleted;
import io.jtork.event.EachExpanded;
import io.jtork.event.TaskCreated;
import io.jtork.event.TaskFailed;
import io.jtork.event.TaskOutputStored;
import io.jtork.event.TaskProgressed;
import io.jtork.event.TaskReleased;
import io.jtork.event.TaskRunLost;
import io.jtork.event.TaskSkipped;
import io.jtork.event.TaskStarted;
import io.jtork.event.WebhookAttempted;
import io.jtork.event.WebhookQueued;
import io.jtork.expr.ExpressionException;
import io.jtork.expr.Expressions;
import io.jtork.expr.Scope;
import io.jtork.model.Executions;
import io.jtork.model.Ids;
import io.jtork.model.Job;
import io.jtork.model.JobState;
import io.jtork.model.ScheduleRef;
import io.jtork.model.Task;
import io.jtork.model.TaskState;
import io.jtork.model.UserRef;
import io.jtork.model.WebhookCall;
import io.jtork.redact.Redactor;
import io.jtork.serialization.JtorkSerializable;
import io.jtork.spec.GoDuration;
import io.jtork.spec.JobSpec;
import io.jtork.spec.RetrySpec;
import io.jtork.spec.TaskSpec;
import io.jtork.store.Snapshots;
import io.jtork.webhook.WebhookSender;
import io.jtork.webhook.Webhooks;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.RecoveryFailed;
import org.apache.pekko.persistence.typed.SnapshotCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EffectBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import org.slf4j.event.Level;

/**
 * One job, as a sharded event-sourced entity (id = job id, remember-entities on). It decides
 * every transition, journals it as events before anything else happens, and only then spawns
 * or stops {@link TaskActor}s. After a restart or a fail-over it recovers from its journal and
 * re-attaches to its runs; once finished it passivates, so finished jobs cost no memory.
 */
public final class JobEntity extends EventSourcedBehavior<JobEntity.Command, JobEvent, Job> {
  public static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "Job");
  /**
   * The tag of every job event: the entity type, derived from the persistence id by the
   * {@code event_type_tag} view (no tag rows are written). The jobs projection reads it.
   */
  public static final String TAG = TYPE_KEY.name();
  /**
   * A write the journal refuses (the database down, its queue full) restarts the entity, which
   * recovers what was written and carries on from there, instead of stopping it until its shard
   * restarts it 10 s later.
   */
  static final org.apache.pekko.actor.typed.BackoffSupervisorStrategy ON_PERSIST_FAILURE =
      org.apache.pekko.actor.typed.SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5),
          0.2);

  /**
   * What a job entity needs besides its id.
   *
   * @param passivateAfter how long a finished job stays in memory after its last command
   * @param maxRedeliveries how often a run may be lost with its worker and redelivered before the
   *     task fails, when lost runs do not count as retries ({@code jtork.job.max-redeliveries})
   * @param maxEachItems the longest list an {@code each} may fan out to ({@code jtork.job.max-each-items})
   * @param workerLostCountsAsRetry whether a run lost with its worker uses up one of the task's
   *     {@code retry.limit} (true, for tasks that must run at most once) or is redelivered as the
   *     same execution (false, the default of {@code jtork.task.worker-lost-counts-as-retry})
   * @param snapshotEvery the fewest events between two snapshots (see {@link #shouldSnapshot})
   * @param snapshots where the snapshots older than the two newest are deleted
   */
  public record Settings(TaskFactory tasks, Expressions expressions, Duration passivateAfter, int maxRedeliveries,
      int maxEachItems, boolean workerLostCountsAsRetry, int snapshotEvery, Snapshots snapshots, TaskActor.Settings taskActors,
      Webhooks webhooks, WebhookSender webhookSender) {}

  /** Settings for the task actors a job spawns (their type is package-private). */
  public static TaskActor.Settings taskActorSettings(Duration deadlineGrace, Duration probeTimeout,
      Duration workerDiscoveryTimeout, Duration queueTimeout) {
    return new TaskActor.Settings(deadlineGrace, probeTimeout, workerDiscoveryTimeout, queueTimeout);
  }

  // ---- protocol ------------------------------------------------------------------------------

  public interface Command extends JtorkSerializable {}

  /**
   * Submits the job under this entity's id. {@code idempotencyKey} is the client's
   * {@code Idempotency-Key} when the id was derived from it: a second submit with the key answers
   * with the job the first one created, or {@link Conflict} if it carries another job.
   */
  public record Submit(JobSpec spec, UserRef createdBy, String parentId, ScheduleRef schedule, String idempotencyKey,
      ActorRef<Reply> replyTo) implements Command {
    public Submit(JobSpec spec, UserRef createdBy, String parentId, ScheduleRef schedule, ActorRef<Reply> replyTo) {
      this(spec, createdBy, parentId, schedule, null, replyTo);
    }
  }

  public record Get(ActorRef<Reply> replyTo) implements Command {}

  public record Cancel(String by, ActorRef<Reply> replyTo) implements Command {}

  public record Restart(String by, ActorRef<Reply> replyTo) implements Command {}

  /** Deletes a finished job ({@code autoDelete}, retention); {@code reason} goes into its history. */
  public record Delete(String by, String reason, ActorRef<Reply> replyTo) implements Command {}

  /** Replies once the job is COMPLETED, FAILED or CANCELLED (for {@code wait}). */
  public record AwaitEnd(ActorRef<Reply> replyTo) implements Command {}

  record RunStarted(String taskId, int run, String nodeId, String workerAddress, Instant at) implements Command {}

  record RunProgressed(String taskId, int run, double progress) implements Command {}

  record RunSucceeded(String taskId, int run, String result, Instant at) implements Command {
    @Override
    public String toString() {
      return "RunSucceeded[" + taskId + "-" + run + "]";
    }
  }

  record RunFailed(String taskId, int run, String error, TaskFailed.Cause cause, Instant at) implements Command {}

  /**
   * The run is gone with its worker. {@code handedTo} is the worker's node id when the run was
   * handed to it and the worker never confirmed the start (null when the start is on record or
   * no worker is known), so that the lost attempt names the node it may have begun on.
   */
  record RunLost(String taskId, int run, String reason, String handedTo) implements Command {}

  private record TaskActorStopped(String attemptId) implements Command {}

  /** A batch of reports from this entity's {@link ReportBuffer}; never leaves the JVM. */
  record Reports(List<Command> reports, ActorRef<Command> from)
      implements Command, org.apache.pekko.actor.NoSerializationVerificationNeeded {}

  private record PassivateIfIdle() implements Command {}

  /** The outcome of an attempt at the outbox's first call. */
  private record WebhookAttemptDone(String callId, String url, Integer status, String error, boolean retryable)
      implements Command {}

  /** Time to try the outbox's first call again. */
  private record WebhookRetry() implements Command {}

  /** Create the next batch of children of the {@code each} that is execution {@code taskId}. */
  private record GrowEach(String taskId) implements Command {}

  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
  @JsonSubTypes({
      @JsonSubTypes.Type(value = Ok.class, name = "ok"),
      @JsonSubTypes.Type(value = NotFound.class, name = "notFound"),
      @JsonSubTypes.Type(value = Rejected.class, name = "rejected"),
      @JsonSubTypes.Type(value = Conflict.class, name = "conflict")})
  public sealed interface Reply extends JtorkSerializable permits Ok, NotFound, Rejected, Conflict {}

  /**
   * The job; {@code seqNr} is the sequence number of its newest event when the reply was made (0
   * where it does not matter), which the API writes into the read model with it (read your writes).
   */
  public record Ok(Job job, long seqNr) implements Reply {
    public Ok(Job job) {
      this(job, 0);
    }
  }

  public record NotFound(String message) implements Reply {}

  /** The command does not apply to the job as it is; {@code message} is Tork's. */
  public record Rejected(String message) implements Reply {}

  /** An {@code Idempotency-Key} used again for another job (or for one deleted since). */
  public record Conflict(String message) implements Reply {}

  // ---- wiring --------------------------------------------------------------------------------

  public static void init(ActorSystem<?> system, Settings settings) {
    ClusterSharding.get(system).init(Entity.of(TYPE_KEY, ctx ->
            create(ctx.getEntityId(), settings, ctx.getShard()))
        .withSettings(ClusterShardingSettings.create(system).withRememberEntities(true))
        .withRole(io.jtork.cluster.Roles.COORDINATOR));
  }

  static Behavior<Command> create(String jobId, Settings settings,
      ActorRef<ClusterSharding.ShardCommand> shard) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new JobEntity(jobId, settings, ctx, timers, shard)));
  }

  /** A recovery at least this long is logged at INFO (the rest at DEBUG): a large job, a slow database. */
  private static final long SLOW_RECOVERY_MS = 500;

  private final String jobId;
  private final Settings settings;
  private final ActorContext<Command> ctx;
  private final TimerScheduler<Command> timers;
  private final ActorRef<ClusterSharding.ShardCommand> shard;
  private final Map<String, ActorRef<TaskCommand>> taskActors = new HashMap<>();
  /** The {@code each} executions a {@link GrowEach} was sent for and not handled yet. */
  private final java.util.Set<String> growing = new java.util.HashSet<>();
  private final List<ActorRef<Reply>> waiters = new ArrayList<>();
  /** Where this job's task actors send their reports, to reach the entity in batches. */
  private ActorRef<Command> reports;
  /** The webhook call being attempted, if any (one at a time, in the order queued). */
  private String delivering;
  /** The call that was first in the outbox when this entity recovered: it may have been sent. */
  private String possiblySent;
  private final Executor blocking;
  /** The last snapshot taken, or where recovery ended (a snapshot then is at most that old). */
  private long lastSnapshotSeqNr;
  /** When this incarnation of the entity started (its recovery began then). */
  private final long startedNanos = System.nanoTime();
  /**
   * The job's redaction set ({@link Redactor#secretValues(Job)}), kept up to date: executions are
   * only ever added, so each is scanned once ({@code redactionScanned} of them so far, for the spec
   * {@code redactionOf}); recomputing it for every event would make a large {@code each} O(n²).
   */
  private java.util.Set<String> redaction;
  private JobSpec redactionOf;
  private int redactionScanned;

  private JobEntity(String jobId, Settings settings, ActorContext<Command> ctx, TimerScheduler<Command> timers,
      ActorRef<ClusterSharding.ShardCommand> shard) {
    super(PersistenceId.of(TYPE_KEY.name(), jobId), ON_PERSIST_FAILURE);
    this.jobId = jobId;
    this.settings = settings;
    this.ctx = ctx;
    this.timers = timers;
    this.shard = shard;
    this.blocking = ctx.getSystem().dispatchers().lookup(
        org.apache.pekko.actor.typed.DispatcherSelector.fromConfig("jtork.blocking-dispatcher"));
  }

  @Override
  public Job emptyState() {
    return Job.empty(jobId);
  }

  @Override
  public EventHandler<Job, JobEvent> eventHandler() {
    return (state, event) -> event.applyTo(state);
  }

  /** Snapshots come from {@link #shouldSnapshot}; {@link #pruneSnapshots} deletes the old ones. */
  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.disabled();
  }

  /**
   * A snapshot after {@code snapshotEvery} events, or after as many events as half the job's
   * executions when that is more; and one when a job of at least {@code snapshotEvery} events
   * ends. A snapshot holds every execution, so a fixed interval made a 10,000-item {@code each}
   * write 4 MB every 33 tasks, most of the job's CPU; this way writing snapshots costs about the
   * same per event whatever the job's size, a running job recovers by replaying at most one
   * event per two executions, and a finished one (read most often) none.
   */
  @Override
  public boolean shouldSnapshot(Job state, JobEvent event, long sequenceNr) {
    boolean ended = event instanceof JobCompleted || event instanceof JobFailed || event instanceof JobCancelled;
    return snapshotDue(sequenceNr, sequenceNr - lastSnapshotSeqNr, ended, state.execution().size(),
        settings.snapshotEvery());
  }

  /** {@link #shouldSnapshot} for a job of {@code executions} at event {@code sequenceNr}, {@code since} events after the last snapshot. */
  static boolean snapshotDue(long sequenceNr, long since, boolean ended, int executions, int snapshotEvery) {
    if (since <= 0) return false;
    return ended ? sequenceNr >= snapshotEvery : since >= Math.max(snapshotEvery, executions / 2);
  }

  private void pruneSnapshots(long sequenceNr) {
    lastSnapshotSeqNr = sequenceNr;
    String persistenceId = persistenceId().id();
    CompletableFuture.runAsync(() -> {
      try {
        settings.snapshots().keepNewest(persistenceId, 2);
      } catch (SQLException e) {
        throw new CompletionException(e);
      }
    }, blocking).exceptionally(e -> {
      ctx.getLog().warn("job {}: could not delete its older snapshots: {}", jobId, e.getMessage());
      return null;
    });
  }

  @Override
  public SignalHandler<Job> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), state -> {
          // After a restart on a failed write the object survives but its children and timers do
          // not: forget them, so that reconcile starts the task actors and the report buffer again.
          taskActors.clear();
          reports = null;
          delivering = null;
          lastSnapshotSeqNr = lastSequenceNumber(ctx);
          long millis = (System.nanoTime() - startedNanos) / 1_000_000;
          ctx.getLog().atLevel(millis >= SLOW_RECOVERY_MS ? Level.INFO : Level.DEBUG).log(
              "job {} recovered in {} ms: {} executions, at event {}", jobId, millis, state.execution().size(),
              lastSnapshotSeqNr);
          if (!state.outbox().isEmpty()) {
            // The first call may have gone out just before the node stopped: it says so if sent again.
            possiblySent = state.outbox().get(0).id();
            deliverNext(state);
          }
          if (state.exists() && state.state().isActive()) {
            ctx.getLog().info("job {} recovered {}: re-attaching {} active task(s)", jobId, state.state(),
                state.activeTasks().size());
            reconcile(state, true);
            growing.clear();
            growEachLater(state);
          } else {
            schedulePassivation();
          }
        })
        .onSignal(SnapshotCompleted.class, (state, c) -> pruneSnapshots(c.metadata().sequenceNr()))
        .onSignal(RecoveryFailed.class, (state, f) ->
            ctx.getLog().error("job {} could not recover from its journal", jobId, f.getFailure()))
        .build();
  }

  @Override
  public CommandHandler<Command, JobEvent, Job> commandHandler() {
    return newCommandHandlerBuilder().forAnyState()
        .onCommand(Submit.class, this::onSubmit)
        .onCommand(Get.class, (state, c) -> {
          if (!state.exists() || state.state().isTerminal()) schedulePassivation();
          // With the number of its last event: GET /jobs/{id}/events pages by it.
          return Effect().reply(c.replyTo(), state.exists() ? new Ok(state, lastSequenceNumber(ctx)) : notFound());
        })
        .onCommand(AwaitEnd.class, this::onAwaitEnd)
        .onCommand(Cancel.class, this::onCancel)
        .onCommand(Restart.class, this::onRestart)
        .onCommand(Delete.class, this::onDelete)
        .onCommand(RunStarted.class, this::onReport)
        .onCommand(RunProgressed.class, this::onReport)
        .onCommand(RunSucceeded.class, this::onReport)
        .onCommand(RunFailed.class, this::onReport)
        .onCommand(RunLost.class, this::onReport)
        .onCommand(GrowEach.class, this::onGrowEach)
        .onCommand(Reports.class, this::onReports)
        .onCommand(TaskActorStopped.class, (state, c) -> {
          taskActors.remove(c.attemptId());
          return Effect().none();
        })
        .onCommand(PassivateIfIdle.class, (state, c) -> {
          if ((!state.exists() || state.state().isTerminal()) && state.outbox().isEmpty()) {
            shard.tell(new ClusterSharding.Passivate<>(ctx.getSelf()));
          }
          return Effect().none();
        })
        .onCommand(WebhookAttemptDone.class, this::onWebhookAttemptDone)
        .onCommand(WebhookRetry.class, (state, c) -> {
          deliverNext(state);
          return Effect().none();
        })
        .build();
  }

  // ---- commands from the API -----------------------------------------------------------------

  private Effect<JobEvent, Job> onSubmit(Job state, Submit c) {
    // A second submit of an id answers with the job it made, even a deleted one (a derived id
    // submitted again after a crash must not run the job twice).
    if (state.state() != null) {
      Reply conflict = c.idempotencyKey() == null ? null : idempotencyConflict(state, c);
      return Effect().reply(c.replyTo(), conflict != null ? conflict : ok(state));
    }
    Instant now = Instant.now();
    Plan plan = new Plan(state);
    plan.add(new JobSubmitted(jobId, c.spec(), c.createdBy(), c.parentId(), c.schedule(), now));
    plan.add(new JobStarted(now));
    startTaskAt(plan, 1, now);
    return persist(plan).thenReply(c.replyTo(), this::ok);
  }

  /** The job with the sequence number of its newest event (callable in a command handler or after a persist). */
  private Ok ok(Job state) {
    return new Ok(state, lastSequenceNumber(ctx));
  }

  /**
   * Why a submit with an {@code Idempotency-Key} that made this job may not answer with it: the job
   * has been deleted, or the submit carries another job. Null when it is the same job again.
   */
  private Reply idempotencyConflict(Job state, Submit c) {
    String key = "Idempotency-Key \"" + c.idempotencyKey() + "\"";
    if (!state.exists()) {
      return new Conflict(key + " was used for job " + jobId + ", which has since been deleted; use a new key");
    }
    if (!IdempotencyKeys.sameDocument(state.spec(), c.spec())) {
      return new Conflict(key + " was already used for another job (" + jobId + "): send the same job again to get"
          + " it, or use a new key for a new job");
    }
    return null;
  }

  private Effect<JobEvent, Job> onAwaitEnd(Job state, AwaitEnd c) {
    if (!state.exists()) return Effect().reply(c.replyTo(), notFound());
    if (state.state().isTerminal()) return Effect().reply(c.replyTo(), new Ok(state));
    waiters.add(c.replyTo());
    return Effect().none();
  }

  private Effect<JobEvent, Job> onCancel(Job state, Cancel c) {
    if (!state.exists()) return Effect().reply(c.replyTo(), notFound());
    if (!state.state().isActive()) return Effect().reply(c.replyTo(), new Rejected("job is not running"));
    Instant now = Instant.now();
    Plan plan = new Plan(state);
    plan.add(new JobCancelled(c.by(), now));
    cancelActiveTasks(plan, now);
    return persist(plan).thenReply(c.replyTo(), this::ok);
  }

  private Effect<JobEvent, Job> onRestart(Job state, Restart c) {
    if (!state.exists()) return Effect().reply(c.replyTo(), notFound());
    if (state.state() != JobState.FAILED && state.state() != JobState.CANCELLED) {
      return Effect().reply(c.replyTo(), new Rejected("job is " + state.state() + " and can not be restarted"));
    }
    if (state.position() > state.taskCount()) {
      return Effect().reply(c.replyTo(), new Rejected("job has no more tasks to run"));
    }
    Instant now = Instant.now();
    Plan plan = new Plan(state);
    plan.add(new JobRestarted(c.by(), now));
    startTaskAt(plan, state.position(), now);
    return persist(plan).thenReply(c.replyTo(), this::ok);
  }

  private Effect<JobEvent, Job> onDelete(Job state, Delete c) {
    if (!state.exists()) return Effect().reply(c.replyTo(), notFound());
    if (!state.state().isTerminal()) {
      return Effect().reply(c.replyTo(), new Rejected("job is " + state.state() + " and can not be deleted"));
    }
    Instant now = Instant.now();
    String reason = c.reason() != null ? c.reason()
        : state.deleteAt() != null && !state.deleteAt().isAfter(now) ? "autoDelete" : "retention of finished jobs";
    return Effect().persist(new JobDeleted(c.by(), reason, now)).thenRun(s -> schedulePassivation())
        .thenReply(c.replyTo(), Ok::new);
  }

  // ---- reports from task actors --------------------------------------------------------------

  // ---- reports from task actors, one at a time or in batches -------------------------------

  /** One report: its events persisted on their own. */
  private Effect<JobEvent, Job> onReport(Job state, Command report) {
    Plan plan = new Plan(state);
    applyReport(plan, report);
    return persist(plan);
  }

  /**
   * The reports a {@link ReportBuffer} gathered while the previous batch was being journaled:
   * one write for all of them, each decided against the state the ones before led to. A job
   * with a hundred tasks running at once would otherwise journal their reports one by one,
   * and its commands (a GET, too) would wait behind them.
   */
  private Effect<JobEvent, Job> onReports(Job state, Reports r) {
    Plan plan = new Plan(state);
    for (Command c : r.reports()) applyReport(plan, c);
    if (plan.events.isEmpty()) return Effect().none().thenRun(s -> r.from().tell(new ReportBuffer.Flushed()));
    return Effect().persist(plan.events).thenRun(s -> {
      afterChange(s);
      r.from().tell(new ReportBuffer.Flushed());
    });
  }

  private void applyReport(Plan plan, Command c) {
    if (c instanceof RunStarted r) applyRunStarted(plan, r);
    else if (c instanceof RunProgressed r) applyRunProgressed(plan, r);
    else if (c instanceof RunSucceeded r) applyRunSucceeded(plan, r);
    else if (c instanceof RunFailed r) applyRunFailed(plan, r.taskId(), r.run(), r.error(), r.cause(), null, r.at());
    else if (c instanceof RunLost r) applyRunLost(plan, r);
  }

  private void applyRunStarted(Plan plan, RunStarted c) {
    Job state = plan.state;
    Task t = current(state, c.taskId(), c.run());
    if (t == null || !state.state().isActive()) return;
    if (t.state() == TaskState.RUNNING && c.nodeId().equals(t.nodeId())) return;
    plan.add(new TaskStarted(c.taskId(), c.run(), c.nodeId(), c.workerAddress(), c.at()));
    if (state.state() == JobState.SCHEDULED) plan.add(new JobRunning(c.at()));
  }

  private void applyRunProgressed(Plan plan, RunProgressed c) {
    Job state = plan.state;
    Task t = current(state, c.taskId(), c.run());
    double p = Job.round2(Math.max(0, Math.min(100, c.progress())));
    if (t == null || !state.state().isActive() || t.progress() == p) return;
    double jobProgress = t.isTopLevel() ? state.progressWithin(p) : state.progress();
    plan.add(new TaskProgressed(c.taskId(), p, jobProgress, Instant.now()));
  }

  private void applyRunSucceeded(Plan plan, RunSucceeded c) {
    Task t = current(plan.state, c.taskId(), c.run());
    if (t == null) return;
    Instant now = Instant.now();
    // Redacted before it is journaled: the result is also the output later tasks and the job's output see.
    String result = redact(c.result(), plan.state);
    plan.add(new TaskCompleted(c.taskId(), result, c.at()));
    if (plan.state.state().isActive()) taskDone(plan, c.taskId(), result, now);
  }

  private void applyRunFailed(Plan plan, String taskId, int run, String error, TaskFailed.Cause cause,
      String handedTo, Instant at) {
    Job state = plan.state;
    Task t = current(state, taskId, run);
    if (t == null) return;
    Instant now = Instant.now();
    error = redact(error, state);
    plan.add(new TaskFailed(taskId, error, cause, handedTo, at));
    if (state.state().isActive()) {
      RetrySpec retry = t.spec().retry();
      if (retry != null && retry.limit() != null && t.attempts() < retry.limit()) {
        Task again = Task.created(Ids.newId(), jobId, t.parentId(), t.position(), t.spec(), t.attempts() + 1, now);
        Duration delay = retryDelay(retry, t.attempts());
        if (!delay.isZero()) again = again.scheduledFor(now.plus(delay));
        plan.add(new TaskCreated(again));
      } else {
        failParents(plan, t, error, now);
        failJob(plan, error, now);
      }
    }
  }

  /**
   * Tork's documented (and since removed) backoff, which jtork keeps: {@code initialDelay} before
   * the first retry, multiplied by {@code scalingFactor} (default 1) for each one after it.
   * Without {@code initialDelay}, retries start at once, as in Tork today.
   */
  static Duration retryDelay(RetrySpec retry, int attemptsBefore) {
    if (retry.initialDelay() == null || retry.initialDelay().isBlank()) return Duration.ZERO;
    Duration initial = GoDuration.parse(retry.initialDelay()).orElse(Duration.ZERO);
    double factor = retry.scalingFactor() == null ? 1.0 : retry.scalingFactor();
    double millis = initial.toMillis() * Math.pow(factor, attemptsBefore);
    // At most a day, never negative, whatever the factor and attempt count (pow may be Infinity or NaN).
    if (!(millis > 0)) return Duration.ZERO;
    return Duration.ofMillis((long) Math.min(millis, Duration.ofDays(1).toMillis()));
  }

  /**
   * A run lost with its worker. By default ({@code jtork.task.worker-lost-counts-as-retry = false})
   * the same execution is run again ({@link TaskRunLost}, its {@code redelivered} count goes up),
   * without using up the task's {@code retry.limit}: a node's death is not the task's failure. Past
   * {@code jtork.job.max-redeliveries} redeliveries the task fails with an error naming that limit.
   * With the option {@code true} the lost run is a failed attempt whose error says "worker lost",
   * retried if the task's {@code retry.limit} allows, so the execution list shows the lost attempt
   * and its node.
   */
  private void applyRunLost(Plan plan, RunLost c) {
    Job state = plan.state;
    Task t = current(state, c.taskId(), c.run());
    if (t == null || !state.state().isActive()) return;
    if (settings.workerLostCountsAsRetry()) {
      ctx.getLog().info("job {}: run {} of task {} lost ({}); it counts as a failed attempt", jobId, c.run(),
          c.taskId(), c.reason());
      applyRunFailed(plan, c.taskId(), c.run(), c.reason(), TaskFailed.Cause.WORKER_LOST, c.handedTo(), Instant.now());
      return;
    }
    if (t.redelivered() + 1 > settings.maxRedeliveries()) {
      applyRunFailed(plan, c.taskId(), c.run(), "task redelivered too many times (jtork.job.max-redeliveries = "
          + settings.maxRedeliveries() + "): " + c.reason(),
          TaskFailed.Cause.REDELIVERIES, c.handedTo(), Instant.now());
      return;
    }
    ctx.getLog().info("job {}: run {} of task {} lost ({}); running it again", jobId, c.run(), c.taskId(), c.reason());
    plan.add(new TaskRunLost(c.taskId(), c.run(), c.reason(), Instant.now()));
  }

  /** The task if {@code run} is its current run and it has not ended; otherwise the report is stale. */
  private Task current(Job state, String taskId, int run) {
    Task t = state.task(taskId).orElse(null);
    if (t == null || t.run() != run || !t.state().isActive()) {
      ctx.getLog().info("job {}: ignoring a report for run {} of task {}, which is not its current run", jobId, run,
          taskId);
      return null;
    }
    return t;
  }

  // ---- deciding what comes next --------------------------------------------------------------

  /** Events computed against the state they lead to, so each decision sees the one before. */
  /**
   * The events one command leads to, each applied as it is added. A change that owes webhook
   * calls queues them in the same write ({@link WebhookQueued}): the outbox is journaled with the
   * change, so a crash after the write cannot lose a call.
   */
  private final class Plan {
    Job state;
    final List<JobEvent> events = new ArrayList<>();

    Plan(Job state) {
      this.state = state;
    }

    Plan add(JobEvent e) {
      Job before = state;
      events.add(e);
      state = e.applyTo(state);
      if (!(e instanceof WebhookQueued) && !(e instanceof WebhookAttempted)) {
        Job after = state;
        for (WebhookCall call : settings.webhooks().calls(e, before, after, () -> secretValues(after))) {
          add(new WebhookQueued(call, e.at()));
        }
      }
      return this;
    }
  }

  /** A top-level task completed (or was skipped): move on, and start the next task or finish. */
  private void advance(Plan plan, Task t, String output, Instant now) {
    Job j = plan.state;
    double progress = Job.round2((double) j.position() / j.taskCount() * 100.0);
    plan.add(new JobAdvanced(j.position() + 1, progress, t.spec().var(), output, now));
    startTaskAt(plan, plan.state.position(), now);
  }

  private void startTaskAt(Plan plan, int position, Instant now) {
    if (position > plan.state.taskCount()) {
      completeJob(plan, now);
      return;
    }
    startTask(plan, plan.state.taskAt(position).orElseThrow(), position, null, Map.of(), false, now);
  }

  /**
   * Creates a task: queued (its task actor starts after the events are journaled), held back as
   * CREATED ({@code held}, an {@code each} child beyond the concurrency), skipped by its
   * {@code if}, or failed when a template cannot be evaluated. A composite's children are created
   * at once; the composite itself runs no container and completes when they all have.
   */
  private void startTask(Plan plan, TaskSpec spec, int position, String parentId, Map<String, Object> item,
      boolean held, Instant now) {
    TaskFactory.Made made = settings.tasks().make(plan.state, spec, position, parentId, 0, now, item,
        secretValues(plan.state));
    Task t = held && made instanceof TaskFactory.Ready ? made.task().held() : made.task();
    plan.add(new TaskCreated(t));
    if (made instanceof TaskFactory.Invalid invalid) {
      String error = redact(invalid.error(), plan.state);
      plan.add(new TaskFailed(t.id(), error, TaskFailed.Cause.INVALID, null, now));
      failParents(plan, t, error, now);
      failJob(plan, invalid.error(), now);
    } else if (made instanceof TaskFactory.Skipped) {
      plan.add(new TaskSkipped(t.id(), now));
      // A skipped child is counted when its parent checks its children, after all are created.
      if (parentId == null) taskDone(plan, t.id(), null, now);
    } else if (!held && t.spec().subjob() != null) {
      // RUNNING without a worker: a SubJobActor submits the child job and reports its outcome.
      plan.add(new TaskStarted(t.id(), t.run(), null, null, now));
    } else if (!held && t.spec().isComposite()) {
      startChildren(plan, t, item, now);
    }
  }

  /** Runs a composite: RUNNING, with all its children created (some held back by {@code each.concurrency}). */
  private void startChildren(Plan plan, Task parent, Map<String, Object> item, Instant now) {
    plan.add(new TaskStarted(parent.id(), parent.run(), null, null, now));
    TaskSpec spec = parent.spec();
    if (spec.parallel() != null) {
      for (TaskSpec child : spec.parallel().tasks()) {
        startTask(plan, child, parent.position(), parent.id(), item, false, now);
        if (!plan.state.state().isActive()) return;
      }
    } else {
      List<Object> kept;
      Map<String, Object> outer;
      try {
        Map<String, Object> scope = Scope.of(plan.state.context());
        scope.putAll(item);
        Object list = settings.expressions().evaluateWhole(spec.each().list(), scope);
        List<?> items = asList(list);
        if (items == null) {
          throw new ExpressionException("each.list: " + spec.each().list() + " is not a list (it is "
              + (list == null ? "nil" : list.getClass().getSimpleName()) + ")");
        }
        // Checked before any child exists: each item is an execution in the job's state and journal.
        if (items.size() > settings.maxEachItems()) {
          throw new ExpressionException("each.list: " + items.size() + " items, more than jtork.job.max-each-items ("
              + settings.maxEachItems() + ")");
        }
        // Kept as the journal gives them back (JSON's types: an int, not a long), so that a child
        // made after a recovery sees exactly what one made before it does.
        kept = asJournaled(items, LIST_OF_VALUES);
        outer = asJournaled(item, MAP_OF_VALUES);
      } catch (ExpressionException e) {
        String error = redact(e.getMessage(), plan.state);
        plan.add(new TaskFailed(parent.id(), error, TaskFailed.Cause.INVALID, null, now));
        failParents(plan, parent, error, now);
        failJob(plan, e.getMessage(), now);
        return;
      }
      String var = spec.each().var() == null || spec.each().var().isBlank() ? "item" : spec.each().var();
      // The items are kept; the children are created in their turn (growEach), not all at once.
      plan.add(new EachExpanded(parent.id(), kept, var, outer, now));
    }
    compositeProgress(plan, parent.id(), now);
  }

  private static final com.fasterxml.jackson.core.type.TypeReference<List<Object>> LIST_OF_VALUES =
      new com.fasterxml.jackson.core.type.TypeReference<>() {};
  private static final com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>> MAP_OF_VALUES =
      new com.fasterxml.jackson.core.type.TypeReference<>() {};

  /** {@code value} written and read back as JSON (convertValue would hand back a list it was given as it is). */
  private static <T> T asJournaled(Object value, com.fasterxml.jackson.core.type.TypeReference<T> type)
      throws ExpressionException {
    try {
      return io.jtork.json.Json.json().readValue(io.jtork.json.Json.json().writeValueAsBytes(value), type);
    } catch (java.io.IOException e) {
      throw new ExpressionException("each.list: the items cannot be kept: " + e.getMessage());
    }
  }

  /** The most children of an {@code each} created by one command: a write of a few thousand events at most. */
  static final int EACH_BATCH = 1000;

  /**
   * Creates children of the {@code each} {@code parentId} from its kept items, in order, while
   * fewer than its {@code concurrency} are under way (all of them when it has none), at most
   * {@link #EACH_BATCH} in this command: a 100,000-item {@code each} neither holds an execution
   * per item before its turn nor writes them all in one command while GETs wait behind it. What
   * is left for later is asked for by {@link #growEachLater}. Returns how many it created.
   */
  private int growEach(Plan plan, String parentId, Instant now) {
    io.jtork.model.EachItems each = plan.state.eachOf(parentId);
    Task parent = plan.state.task(parentId).orElse(null);
    if (each == null || parent == null || !parent.state().isActive()) return 0;
    int made = 0;
    while (!each.exhausted() && made < EACH_BATCH && plan.state.state().isActive() && hasRoom(plan.state, parent)) {
      Map<String, Object> scope = new HashMap<>(each.scope());
      Map<String, Object> entry = new HashMap<>();
      entry.put("index", String.valueOf(each.next()));
      entry.put("value", each.items().get(each.next()));
      scope.put(each.var(), entry);
      startTask(plan, parent.spec().each().task(), parent.position(), parentId, scope, false, now);
      made++;
      each = plan.state.eachOf(parentId);
    }
    return made;
  }

  /**
   * Whether the {@code each} {@code parent} may have one more child under way (queued, running,
   * or held back as CREATED by a journal of an earlier version): always without a concurrency.
   */
  private static boolean hasRoom(Job state, Task parent) {
    Integer limit = parent.spec().each().concurrency();
    if (limit == null || limit <= 0) return true;
    Executions.Children c = state.executions().childrenOf(parent.id());
    return c.count(TaskState.SCHEDULED) + c.count(TaskState.RUNNING) + c.count(TaskState.CREATED) < limit;
  }

  /**
   * After a write: each {@code each} that has items left and room for them (its concurrency not
   * reached, or a batch cut short) grows in a command of its own, so that other commands are
   * answered in between.
   */
  private void growEachLater(Job state) {
    if (!state.state().isActive()) return;
    state.eaches().forEach((taskId, each) -> {
      if (each.exhausted() || growing.contains(taskId)) return;
      Task parent = state.task(taskId).orElse(null);
      if (parent == null || !parent.state().isActive() || !hasRoom(state, parent)) return;
      growing.add(taskId);
      ctx.getSelf().tell(new GrowEach(taskId));
    });
  }

  private Effect<JobEvent, Job> onGrowEach(Job state, GrowEach c) {
    growing.remove(c.taskId());
    Plan plan = new Plan(state);
    if (state.task(c.taskId()).isPresent()) compositeProgress(plan, c.taskId(), Instant.now());
    return persist(plan);
  }

  private static List<?> asList(Object o) {
    if (o instanceof List<?> l) return l;
    if (o instanceof Object[] a) return List.of(a);
    if (o != null && o.getClass().isArray()) {
      List<Object> out = new ArrayList<>();
      for (int i = 0; i < java.lang.reflect.Array.getLength(o); i++) out.add(java.lang.reflect.Array.get(o, i));
      return out;
    }
    return null;
  }

  /**
   * A task completed or was skipped: a top-level one moves the job on; a composite's child
   * stores its output, lets the next held-back sibling go, and completes the parent when it was
   * the last.
   */
  private void taskDone(Plan plan, String taskId, String output, Instant now) {
    Task t = plan.state.task(taskId).orElseThrow();
    if (t.isTopLevel()) {
      advance(plan, t, output, now);
      return;
    }
    if (t.state() == TaskState.COMPLETED && t.spec().var() != null && !t.spec().var().isBlank()) {
      plan.add(new TaskOutputStored(t.spec().var(), output, now));
    }
    compositeProgress(plan, t.parentId(), now);
  }

  /** Releases held-back children while fewer than the concurrency run, and completes the parent when all are done. */
  private void compositeProgress(Plan plan, String parentId, Instant now) {
    Task parent = plan.state.task(parentId).orElseThrow();
    if (!parent.state().isActive() || !plan.state.state().isActive()) return;
    // The executions keep counts per composite (an each can have thousands of children).
    Executions.Children children = plan.state.executions().childrenOf(parentId);
    long running = children.count(TaskState.SCHEDULED) + children.count(TaskState.RUNNING);
    boolean allDone = !children.anyActive();
    Integer concurrency = parent.spec().each() != null ? parent.spec().each().concurrency() : null;
    int released = 0;
    if (concurrency != null && concurrency > 0 && running < concurrency) {
      for (Task c : plan.state.executions().waiting(parentId)) {
        if (running >= concurrency) break;
        plan.add(new TaskReleased(c.id(), now));
        running++;
        released++;
        Task let = plan.state.task(c.id()).orElseThrow();
        if (let.spec().subjob() != null) plan.add(new TaskStarted(let.id(), let.run(), null, null, now));
        else if (let.spec().isComposite()) startChildren(plan, let, Map.of(), now);
      }
    }
    if (released > 0) return; // a child was just let go: not done yet
    if (growEach(plan, parentId, now) > 0) {
      // What was just created may have ended already (skipped by its if): count again.
      allDone = !plan.state.executions().childrenOf(parentId).anyActive();
    }
    io.jtork.model.EachItems each = plan.state.eachOf(parentId);
    if (each != null && !each.exhausted()) return; // items left for a later batch
    if (!plan.state.state().isActive()) return;
    if (allDone && children.count(TaskState.FAILED) > 0) {
      for (Task f : plan.state.execution()) {
        if (parentId.equals(f.parentId()) && f.state() == TaskState.FAILED && !retried(plan.state, f)) {
          allDone = false;
          break;
        }
      }
    }
    if (allDone) {
      plan.add(new TaskCompleted(parentId, null, now));
      taskDone(plan, parentId, null, now);
    }
  }

  /** A failed execution that a retry replaced (a later execution of the same spec under the same parent). */
  private static boolean retried(Job job, Task failed) {
    return job.execution().stream().anyMatch(o -> o != failed && o.attempts() > failed.attempts()
        && java.util.Objects.equals(o.parentId(), failed.parentId()) && o.spec().equals(failed.spec()));
  }

  /** A child failed for good: its composite parents fail with it. */
  private void failParents(Plan plan, Task t, String error, Instant now) {
    String parentId = t.parentId();
    while (parentId != null) {
      Task parent = plan.state.task(parentId).orElse(null);
      if (parent == null) return;
      if (parent.state().isActive()) {
        plan.add(new TaskFailed(parent.id(), redact(error, plan.state), TaskFailed.Cause.CHILD, null, now));
      }
      parentId = parent.parentId();
    }
  }

  private void completeJob(Plan plan, Instant now) {
    Job j = plan.state;
    String output = j.spec().output();
    String result = null;
    if (output != null && !output.isBlank()) {
      try {
        result = settings.expressions().template(output, Scope.of(j.context()));
      } catch (ExpressionException e) {
        failJob(plan, e.getMessage(), now);
        return;
      }
    }
    Instant deleteAt = j.spec().autoDelete() == null ? null
        : GoDuration.parse(j.spec().autoDelete().after()).map(now::plus).orElse(null);
    plan.add(new JobCompleted(redact(result, j), deleteAt, now));
  }

  private void failJob(Plan plan, String error, Instant now) {
    plan.add(new JobFailed(redact(error, plan.state), now));
    cancelActiveTasks(plan, now);
  }

  private void cancelActiveTasks(Plan plan, Instant now) {
    for (Task t : plan.state.activeTasks()) plan.add(new TaskCancelled(t.id(), now));
  }

  private String redact(String text, Job job) {
    return Redactor.redactValues(text, secretValues(job));
  }

  /** The job's redaction set: see {@link Redactor#secretValues(Job)}; not to be changed by the caller. */
  private java.util.Set<String> secretValues(Job job) {
    Redactor r = settings.webhooks().redactor();
    if (job.spec() == null) return java.util.Set.of();
    List<Task> executions = job.execution();
    if (redaction == null || redactionOf != job.spec() || executions.size() < redactionScanned) {
      redaction = r.secretValues(job.context().secrets(), job.context().inputs());
      redaction.addAll(r.secretValues(job.spec()));
      redactionOf = job.spec();
      redactionScanned = 0;
    }
    for (int i = redactionScanned; i < executions.size(); i++) r.collect(executions.get(i).spec(), redaction);
    redactionScanned = executions.size();
    return redaction;
  }

  // ---- side effects, after the events are journaled ------------------------------------------

  private EffectBuilder<JobEvent, Job> persist(Plan plan) {
    if (plan.events.isEmpty()) return Effect().none();
    return Effect().persist(plan.events).thenRun(this::afterChange);
  }

  private void afterChange(Job state) {
    reconcile(state, false);
    growEachLater(state);
    deliverNext(state);
    if (state.state() != null && state.state().isTerminal()) {
      waiters.forEach(w -> w.tell(new Ok(state)));
      waiters.clear();
      schedulePassivation();
    }
  }

  /**
   * Makes the running task actors match the journal: one per queued or running task run, and
   * none for a task that was cancelled.
   */
  private void reconcile(Job state, boolean recovering) {
    Map<String, Task> active = new HashMap<>();
    for (Task t : state.executions().inProgress()) active.put(t.attemptId(), t);
    for (Map.Entry<String, ActorRef<TaskCommand>> e : taskActors.entrySet()) {
      if (!active.containsKey(e.getKey())) e.getValue().tell(new TaskActor.Cancel());
    }
    for (Task t : active.values()) {
      if (taskActors.containsKey(t.attemptId())) continue;
      ActorRef<TaskCommand> actor;
      if (t.spec().subjob() != null) {
        actor = ctx.spawn(subJob(state, t), "subjob-" + t.attemptId());
      } else {
        TaskActor.Recovery recovery = recovering
            ? new TaskActor.Recovery(t.state() == TaskState.RUNNING, t.workerAddress()) : null;
        actor = ctx.spawn(TaskActor.create(work(state, t), reports(), settings.taskActors(), recovery),
            "task-" + t.attemptId());
      }
      ctx.watchWith(actor, new TaskActorStopped(t.attemptId()));
      taskActors.put(t.attemptId(), actor);
    }
  }

  private ActorRef<Command> reports() {
    if (reports == null) reports = ctx.spawn(ReportBuffer.create(ctx.getSelf()), "reports");
    return reports;
  }

  /**
   * The child job of a {@code subjob} task. Its id is derived from the run, so the same child is
   * found again after a recovery. An attached child gets the parent's inputs and secrets as Tork
   * passes them ({@code inputs}, {@code secrets}); a detached one only its inputs.
   */
  private Behavior<TaskCommand> subJob(Job job, Task t) {
    var sub = t.spec().subjob();
    boolean detached = Boolean.TRUE.equals(sub.detached());
    JobSpec child = new JobSpec(sub.name(), sub.description(), List.of(), sub.inputs(),
        detached ? Map.of() : sub.secrets(), sub.output(), null, sub.webhooks(), job.spec().permissions(),
        sub.autoDelete(), null, sub.tasks());
    String childId = Ids.derived("jtork-subjob:" + t.attemptId());
    return SubJobActor.create(childId, child, t.id(), job.createdBy(), detached, reports(), t.id(), t.run());
  }

  private TaskWork work(Job job, Task t) {
    TaskSpec spec = t.spec();
    Duration timeout = spec.timeout() == null ? null : GoDuration.parse(spec.timeout()).orElse(null);
    int priority = spec.priority() == null ? 0 : spec.priority();
    String queue = spec.queue() == null ? TaskFactory.DEFAULT_QUEUE : spec.queue();
    // A retry with a delay is created with a later scheduledAt: its task actor waits until then.
    Instant notBefore = t.scheduledAt() != null && t.scheduledAt().isAfter(t.createdAt()) ? t.scheduledAt() : null;
    return new TaskWork(jobId, t.id(), t.run(), t.position(), t.createdAt(), queue, priority, spec, timeout,
        List.copyOf(secretValues(job)), notBefore);
  }

  // ---- webhooks ------------------------------------------------------------------------------

  /** Attempts the outbox's first call unless one is under way or waiting for its retry. */
  private void deliverNext(Job state) {
    if (delivering != null || state.outbox().isEmpty() || timers.isTimerActive("webhook-retry")) return;
    WebhookCall call = state.outbox().get(0);
    delivering = call.id();
    Webhooks.Request request;
    try {
      request = settings.webhooks().request(state, call);
    } catch (ExpressionException e) {
      ctx.getSelf().tell(new WebhookAttemptDone(call.id(), null, null, "the webhook's url or headers could not be"
          + " evaluated: " + redact(e.getMessage(), state), false));
      return;
    }
    String url = redact(request.url(), state);
    ctx.pipeToSelf(settings.webhookSender().send(request, call.id(), call.id().equals(possiblySent)),
        (outcome, error) -> error != null
            ? new WebhookAttemptDone(call.id(), url, null, error.toString(), true)
            : new WebhookAttemptDone(call.id(), url, outcome.status(), outcome.error(), outcome.retryable()));
  }

  private Effect<JobEvent, Job> onWebhookAttemptDone(Job state, WebhookAttemptDone c) {
    delivering = null;
    WebhookCall call = state.outbox().stream().filter(w -> w.id().equals(c.callId())).findFirst().orElse(null);
    if (call == null) return Effect().none();
    int attempt = call.attempts() + 1;
    boolean delivered = c.status() != null && c.status() >= 200 && c.status() < 300;
    boolean done = delivered || !c.retryable() || attempt >= Webhooks.MAX_ATTEMPTS;
    if (!delivered) {
      ctx.getLog().warn("job {}: webhook {} attempt {} of {}: {}{}", jobId, c.url(), attempt, Webhooks.MAX_ATTEMPTS,
          c.status() != null ? "HTTP " + c.status() : redact(c.error(), state), done ? "; giving up" : "");
    }
    return Effect().persist(new WebhookAttempted(c.callId(), c.url(), attempt, c.status(),
            redact(c.error(), state), done, Instant.now()))
        .thenRun(s -> {
          if (!done) {
            // Tork waits attempts × 2 s between attempts.
            timers.startSingleTimer("webhook-retry", new WebhookRetry(), Duration.ofSeconds(2L * attempt));
          } else {
            deliverNext(s);
            if (s.outbox().isEmpty() && s.state() != null && s.state().isTerminal()) schedulePassivation();
          }
        });
  }

  private void schedulePassivation() {
    timers.startSingleTimer("passivate", new PassivateIfIdle(), settings.passivateAfter());
  }

  private static NotFound notFound() {
    return new NotFound("job not found");
  }
}
