package io.jtork.job;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.jtork.cluster.Roles;
import io.jtork.entity.EntityLifecycle;
import io.jtork.event.JobEvent;
import io.jtork.expr.Expressions;
import io.jtork.job.JobDecider.Decision;
import io.jtork.job.JobDecider.Note;
import io.jtork.metrics.JtorkMetrics;
import io.jtork.model.Job;
import io.jtork.model.ScheduleRef;
import io.jtork.model.UserRef;
import io.jtork.serialization.JtorkSerializable;
import io.jtork.spec.JobSpec;
import io.jtork.store.Snapshots;
import io.jtork.webhook.WebhookSender;
import io.jtork.webhook.Webhooks;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.japi.function.Procedure;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.RecoveryFailed;
import org.apache.pekko.persistence.typed.SnapshotCompleted;
import org.apache.pekko.persistence.typed.SnapshotSelectionCriteria;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EffectBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.Recovery;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import org.slf4j.event.Level;

/**
 * One job, as a sharded event-sourced entity (id = job id, remember-entities on): its protocol,
 * its command handlers and its recovery. The {@link JobDecider} decides every transition; the
 * entity journals the events it gives before anything else happens, and only then hands the job
 * to its children: the {@link TaskSupervisor} (task actors and sub-jobs), the
 * {@link WebhookOutbox} and the {@link SnapshotPolicy}. After a restart or a fail-over it
 * recovers from its journal and re-attaches to its runs; once finished it passivates, so
 * finished jobs cost no memory.
 */
public final class JobEntity extends EventSourcedBehavior<JobEntity.Command, JobEvent, Job> {
  public static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "Job");
  /**
   * The tag of every job event: the entity type, derived from the persistence id by the
   * {@code event_type_tag} view (no tag rows are written). The jobs projection reads it.
   */
  public static final String TAG = TYPE_KEY.name();

  /**
   * What a job entity needs besides its id: {@code passivateAfter}, how long a finished job stays
   * in memory after its last command; {@code snapshotEvery} and {@code snapshots}, for its
   * {@link SnapshotPolicy}; the rest is its {@link JobDecider.Rules} and its helpers' settings.
   */
  public record Settings(TaskFactory tasks, Expressions expressions, Duration passivateAfter, int maxRedeliveries,
      int maxEachItems, boolean workerLostCountsAsRetry, int snapshotEvery, Snapshots snapshots, TaskActor.Settings taskActors,
      Webhooks webhooks, WebhookSender webhookSender) {
    JobDecider.Rules rules() {
      return new JobDecider.Rules(tasks, expressions, webhooks, maxRedeliveries, maxEachItems, workerLostCountsAsRetry);
    }
  }

  /** Settings for the task actors a job spawns (their type is package-private). */
  public static TaskActor.Settings taskActorSettings(Duration deadlineGrace, Duration probeTimeout,
      Duration workerDiscoveryTimeout, Duration queueTimeout, Duration startReportDelay) {
    return new TaskActor.Settings(deadlineGrace, probeTimeout, workerDiscoveryTimeout, queueTimeout, startReportDelay);
  }

  // ---- protocol ------------------------------------------------------------------------------

  /** Every message a job entity handles: the API's, its task actors' and its own. */
  public sealed interface Command extends JtorkSerializable permits Submit, Get, Cancel, Restart, Delete, AwaitEnd,
      TaskReport, Reports, GrowEach, PassivateIfIdle, TaskSupervisor.TaskActorStopped, ReportBuffer.Flushed,
      ReportBuffer.Together, WebhookOutbox.AttemptDone, WebhookOutbox.Retry {}

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

  /** A batch of reports from this entity's {@link ReportBuffer}; never leaves the JVM. */
  record Reports(List<TaskReport> reports, ActorRef<Command> from) implements Command, NoSerializationVerificationNeeded {}

  /** Create the next batch of children of the {@code each} that is execution {@code taskId}. */
  record GrowEach(String taskId) implements Command {}

  record PassivateIfIdle() implements Command {}

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
    ClusterSharding.get(system).init(Entity.of(TYPE_KEY, ctx -> create(ctx.getEntityId(), settings, ctx.getShard()))
        .withSettings(ClusterShardingSettings.create(system).withRememberEntities(true))
        .withRole(Roles.COORDINATOR));
  }

  static Behavior<Command> create(String jobId, Settings settings, ActorRef<ClusterSharding.ShardCommand> shard) {
    return Behaviors.setup(ctx -> {
      boolean fresh = FreshJobIds.get(ctx.getSystem()).claim(jobId);
      return Behaviors.withTimers(timers -> new JobEntity(jobId, fresh, settings, ctx, timers, shard));
    });
  }

  /** A recovery at least this long is logged at INFO (the rest at DEBUG): a large job, a slow database. */
  private static final long SLOW_RECOVERY_MS = 500;

  private final String jobId;
  /** The id was drawn for a submission just now ({@link FreshJobIds}): there is no snapshot to look for. */
  private final boolean fresh;
  private final ActorContext<Command> ctx;
  private final EntityLifecycle<Command> lifecycle;
  private final JobDecider decider;
  private final TaskSupervisor tasks;
  private final WebhookOutbox outbox;
  private final SnapshotPolicy snapshots;
  private final JtorkMetrics metrics;
  private final List<ActorRef<Reply>> waiters = new ArrayList<>();
  /** When this incarnation of the entity started (its recovery began then). */
  private final long startedNanos = System.nanoTime();

  private JobEntity(String jobId, boolean fresh, Settings settings, ActorContext<Command> ctx,
      TimerScheduler<Command> timers, ActorRef<ClusterSharding.ShardCommand> shard) {
    super(PersistenceId.of(TYPE_KEY.name(), jobId), EntityLifecycle.ON_PERSIST_FAILURE);
    this.jobId = jobId;
    this.fresh = fresh;
    this.ctx = ctx;
    this.lifecycle = new EntityLifecycle<>(timers, shard, ctx.getSelf(), settings.passivateAfter(), new PassivateIfIdle());
    this.decider = new JobDecider(settings.rules());
    this.tasks = new TaskSupervisor(jobId, ctx, settings.taskActors(), decider);
    this.outbox = new WebhookOutbox(ctx, timers, settings.webhooks(), settings.webhookSender(), decider);
    this.metrics = JtorkMetrics.get(ctx.getSystem());
    this.snapshots = new SnapshotPolicy(persistenceId().id(), settings.snapshotEvery(), settings.snapshots(),
        ctx.getSystem().dispatchers().lookup(DispatcherSelector.fromConfig("jtork.blocking-dispatcher")), ctx.getLog());
  }

  @Override
  public Job emptyState() {
    return Job.empty(jobId);
  }

  @Override
  public EventHandler<Job, JobEvent> eventHandler() {
    return (state, event) -> event.applyTo(state);
  }

  /** A fresh job recovers from the journal alone: the snapshot store is not asked (correct for any job, see {@link FreshJobIds}). */
  @Override
  public Recovery recovery() {
    return fresh ? Recovery.withSnapshotSelectionCriteria(SnapshotSelectionCriteria.none()) : super.recovery();
  }

  /** Snapshots come from {@link SnapshotPolicy}, which also deletes the old ones. */
  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.disabled();
  }

  @Override
  public boolean shouldSnapshot(Job state, JobEvent event, long sequenceNr) {
    return snapshots.shouldSnapshot(state, event, sequenceNr);
  }

  @Override
  public SignalHandler<Job> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), this::recovered)
        .onSignal(SnapshotCompleted.class, (state, c) -> snapshots.taken(c.metadata().sequenceNr()))
        .onSignal(RecoveryFailed.class, (state, f) ->
            ctx.getLog().error("job {} could not recover from its journal", jobId, f.getFailure()))
        .build();
  }

  private void recovered(Job state) {
    // After a restart on a failed write the object survives but its children and timers do not:
    // forget them, so that reconcile starts the task actors and the report buffer again.
    tasks.forgetChildren();
    snapshots.recovered(lastSequenceNumber(ctx));
    long millis = (System.nanoTime() - startedNanos) / 1_000_000;
    ctx.getLog().atLevel(millis >= SLOW_RECOVERY_MS ? Level.INFO : Level.DEBUG).log(
        "job {} recovered in {} ms: {} executions, at event {}", jobId, millis, state.execution().size(),
        lastSequenceNumber(ctx));
    outbox.recovered(state);
    if (state.exists() && state.state().isActive()) {
      ctx.getLog().info("job {} recovered {}: re-attaching {} active task(s)", jobId, state.state(),
          state.activeTasks().size());
      tasks.reconcile(state, true);
      tasks.growEachesLater(state);
    } else {
      lifecycle.schedulePassivation();
    }
  }

  @Override
  public CommandHandler<Command, JobEvent, Job> commandHandler() {
    return newCommandHandlerBuilder().forAnyState()
        .onCommand(Submit.class, (state, c) -> answer(decider.submit(state, c, Instant.now()), c.replyTo()))
        .onCommand(Get.class, (state, c) -> {
          if (!state.exists() || state.state().isTerminal()) lifecycle.schedulePassivation();
          // With the number of its last event: GET /jobs/{id}/events pages by it.
          return Effect().reply(c.replyTo(), state.exists() ? ok(state) : JobDecider.notFound());
        })
        .onCommand(AwaitEnd.class, this::onAwaitEnd)
        .onCommand(Cancel.class, (state, c) -> answer(decider.cancel(state, c.by(), Instant.now()), c.replyTo()))
        .onCommand(Restart.class, (state, c) -> answer(decider.restart(state, c.by(), Instant.now()), c.replyTo()))
        .onCommand(Delete.class, (state, c) -> {
          Decision d = decider.delete(state, c.by(), c.reason(), Instant.now());
          if (d.refusal() != null) return Effect().reply(c.replyTo(), d.refusal());
          return journal(d, s -> lifecycle.schedulePassivation()).thenReply(c.replyTo(), Ok::new);
        })
        .onCommand(TaskReport.class, (state, r) -> persist(decider.reports(state, List.of(r), Instant.now())))
        .onCommand(Reports.class, this::onReports)
        .onCommand(GrowEach.class, (state, c) -> {
          tasks.growing(c);
          return persist(decider.growEach(state, c.taskId(), Instant.now()));
        })
        .onCommand(TaskSupervisor.TaskActorStopped.class, (state, c) -> Effect().none().thenRun(s -> tasks.stopped(c)))
        .onCommand(PassivateIfIdle.class, (state, c) -> {
          if ((!state.exists() || state.state().isTerminal()) && state.outbox().isEmpty()) lifecycle.passivate();
          return Effect().none();
        })
        .onCommand(WebhookOutbox.AttemptDone.class, this::onWebhookAttemptDone)
        .onCommand(WebhookOutbox.Retry.class, (state, c) -> Effect().none().thenRun(outbox::deliverNext))
        .build();
  }

  /** The job with the sequence number of its newest event (callable in a command handler or after a persist). */
  private Ok ok(Job state) {
    return new Ok(state, lastSequenceNumber(ctx));
  }

  private Effect<JobEvent, Job> answer(Decision d, ActorRef<Reply> replyTo) {
    return d.refusal() != null ? Effect().reply(replyTo, d.refusal()) : persist(d).thenReply(replyTo, this::ok);
  }

  private Effect<JobEvent, Job> onAwaitEnd(Job state, AwaitEnd c) {
    if (state.exists() && !state.state().isTerminal()) return Effect().none().thenRun(s -> waiters.add(c.replyTo()));
    return Effect().reply(c.replyTo(), state.exists() ? new Ok(state) : JobDecider.notFound());
  }

  /**
   * The reports a {@link ReportBuffer} gathered while the previous batch was being journaled:
   * one write for all of them, each decided against the state the ones before led to. A job
   * with a hundred tasks running at once would otherwise journal their reports one by one,
   * and its commands (a GET, too) would wait behind them.
   */
  private Effect<JobEvent, Job> onReports(Job state, Reports r) {
    return persist(decider.reports(state, r.reports(), Instant.now()))
        .thenRun(s -> r.from().tell(new ReportBuffer.Flushed()));
  }

  private Effect<JobEvent, Job> onWebhookAttemptDone(Job state, WebhookOutbox.AttemptDone c) {
    outbox.attemptEnded();
    Decision d = decider.webhookAttempted(state, c.callId(), c.url(), c.status(), c.error(), c.retryable(),
        Instant.now());
    return journal(d, s -> {
      if (!outbox.attempted(s, d.effects()) && s.outbox().isEmpty() && s.state() != null && s.state().isTerminal()) {
        lifecycle.schedulePassivation();
      }
    });
  }

  // ---- after the events are journaled --------------------------------------------------------

  private EffectBuilder<JobEvent, Job> persist(Decision d) {
    return journal(d, this::afterChange);
  }

  /** Journals the decision's events (none: nothing), counted and timed in the node's metrics, then runs {@code then}. */
  private EffectBuilder<JobEvent, Job> journal(Decision d, Procedure<Job> then) {
    log(d);
    if (d.events().isEmpty()) return Effect().none();
    long start = System.nanoTime();
    return Effect().persist(d.events()).thenRun(s -> {
      metrics.journalWrite(System.nanoTime() - start);
      metrics.journaled(d.events(), s);
      then.apply(s);
    });
  }

  private void log(Decision d) {
    for (JobDecider.Effect e : d.effects()) {
      if (e instanceof Note n) ctx.getLog().atLevel(n.warning() ? Level.WARN : Level.INFO).log("job {}: {}", jobId, n.text());
    }
  }

  private void afterChange(Job state) {
    tasks.reconcile(state, false);
    tasks.growEachesLater(state);
    outbox.deliverNext(state);
    if (state.state() != null && state.state().isTerminal()) {
      waiters.forEach(w -> w.tell(new Ok(state)));
      waiters.clear();
      lifecycle.schedulePassivation();
    }
  }
}
