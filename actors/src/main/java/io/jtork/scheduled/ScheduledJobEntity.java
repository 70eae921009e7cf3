package io.jtork.scheduled;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.jtork.cluster.Roles;
import io.jtork.entity.EntityLifecycle;
import io.jtork.event.ScheduledJobCreated;
import io.jtork.event.ScheduledJobDeleted;
import io.jtork.event.ScheduledJobEvent;
import io.jtork.event.ScheduledJobFireSkipped;
import io.jtork.event.ScheduledJobFired;
import io.jtork.event.ScheduledJobFiresMissed;
import io.jtork.event.ScheduledJobPaused;
import io.jtork.event.ScheduledJobResumed;
import io.jtork.job.IdempotencyKeys;
import io.jtork.job.JobClient;
import io.jtork.job.JobEntity;
import io.jtork.metrics.JtorkMetrics;
import io.jtork.model.Ids;
import io.jtork.model.ScheduleRef;
import io.jtork.model.ScheduledJob;
import io.jtork.model.ScheduledJobState;
import io.jtork.model.UserRef;
import io.jtork.schedule.CronSchedule;
import io.jtork.serialization.JtorkSerializable;
import io.jtork.spec.ScheduleSpec;
import io.jtork.spec.ScheduledJobSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
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
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * One scheduled job, as a sharded event-sourced entity (id = scheduled job id, remember-entities
 * on, so an ACTIVE one is running somewhere in the cluster, and after a crash it is started again
 * by its shard). It keeps one timer, for its next fire.
 *
 * <p>A fire of instant {@code T} submits the job with id {@code derived(scheduled id, T)} and only
 * then journals {@link ScheduledJobFired}. A crash between the two makes the recovered entity
 * fire {@code T} again, which lands on the job the first attempt created ({@link JobEntity}
 * answers a second submit with the job it has): a fire is never lost and never makes two jobs.
 * A timer never fires early: a fire is due at {@code T} and not before.
 *
 * <p>Fires that came due while the entity did not run (no node up) are "missed" and follow the
 * schedule's {@code catchUp}: {@code none} drops them, {@code last} (the default) runs the most
 * recent, {@code all} runs them in order, at most {@code catchUpMax} (the most recent ones).
 * Dropped fires are journaled as {@link ScheduledJobFiresMissed}. A running entity that is late
 * (a long GC pause, an overloaded node) fires every instant it is late for, in order.
 */
public final class ScheduledJobEntity
    extends EventSourcedBehavior<ScheduledJobEntity.Command, ScheduledJobEvent, ScheduledJob> {
  public static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "ScheduledJob");
  /** The tag of every scheduled-job event, derived from the persistence id as for jobs. */
  public static final String TAG = TYPE_KEY.name();
  /** How many fire instants a catch-up counts before it stops counting (for the missed count). */
  static final int COUNT_CAP = 100_000;

  /**
   * @param catchUpMax the most missed fires {@code catchUp: all} runs
   * @param passivateAfter how long a PAUSED or unknown schedule stays in memory after a request
   * @param retryMax the longest wait between attempts to submit a fire's job
   * @param warmLead how long before a fire its job's entity is started
   */
  public record Settings(JobClient jobs, int catchUpMax, Duration passivateAfter, Duration retryMax,
      Duration warmLead) {}

  // ---- protocol ------------------------------------------------------------------------------

  public interface Command extends JtorkSerializable {}

  /**
   * Creates the scheduled job under this entity's id. {@code idempotencyKey} is the client's
   * {@code Idempotency-Key} when the id was derived from it: a second create with the key answers
   * with the scheduled job the first one made, or {@link Conflict} if it carries another one.
   */
  public record Create(ScheduledJobSpec spec, UserRef createdBy, String idempotencyKey, ActorRef<Reply> replyTo)
      implements Command {}

  public record Get(ActorRef<Reply> replyTo) implements Command {}

  public record Pause(String by, ActorRef<Reply> replyTo) implements Command {}

  public record Resume(String by, ActorRef<Reply> replyTo) implements Command {}

  public record Delete(String by, ActorRef<Reply> replyTo) implements Command {}

  /** The timer for the fire of {@code fireTime}. */
  record Due(Instant fireTime) implements Command {}

  /** Fires that came due while no node ran this schedule: decided once after recovery. */
  record CatchUp() implements Command {}

  /**
   * Whether the job of the first due fire exists: a crash may have come between its submission
   * and its journaled {@link ScheduledJobFired}. {@code createdAt} is null when it does not.
   */
  record FirstDueChecked(Instant fireTime, String jobId, Instant createdAt, String error) implements Command {}

  /** Whether the previous fire's job is still active ({@code overlap: skip}). */
  record PreviousChecked(Instant fireTime, String activeState, String error) implements Command {}

  record Submitted(Instant fireTime, String jobId, String error) implements Command {}

  record RetryFire(Instant fireTime) implements Command {}

  /** Shortly before a fire: start its job's entity, so that the fire does not wait for its recovery. */
  record Warm(Instant fireTime) implements Command {}

  record PassivateIfIdle() implements Command {}

  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
  @JsonSubTypes({
      @JsonSubTypes.Type(value = Ok.class, name = "ok"),
      @JsonSubTypes.Type(value = NotFound.class, name = "notFound"),
      @JsonSubTypes.Type(value = Rejected.class, name = "rejected"),
      @JsonSubTypes.Type(value = Conflict.class, name = "conflict")})
  public sealed interface Reply extends JtorkSerializable permits Ok, NotFound, Rejected, Conflict {}

  /**
   * The scheduled job, and when it fires next (null when it is not ACTIVE or never fires again);
   * {@code seqNr} is the sequence number of its newest event, which the API writes into the read
   * model with it (read your writes).
   */
  public record Ok(ScheduledJob scheduledJob, Instant nextFireTime, long seqNr) implements Reply {}

  public record NotFound(String message) implements Reply {}

  /** The command does not apply to the scheduled job as it is; {@code message} is Tork's. */
  public record Rejected(String message) implements Reply {}

  /** An {@code Idempotency-Key} used again for another scheduled job (or for one deleted since). */
  public record Conflict(String message) implements Reply {}

  // ---- wiring --------------------------------------------------------------------------------

  public static void init(ActorSystem<?> system, Settings settings) {
    ClusterSharding.get(system).init(Entity.of(TYPE_KEY, ctx -> create(ctx.getEntityId(), settings, ctx.getShard()))
        .withSettings(ClusterShardingSettings.create(system).withRememberEntities(true))
        .withRole(Roles.COORDINATOR));
  }

  static Behavior<Command> create(String id, Settings settings, ActorRef<ClusterSharding.ShardCommand> shard) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new ScheduledJobEntity(id, settings, ctx, timers,
        shard)));
  }

  private static final String FIRE_TIMER = "fire";
  private static final String RETRY_TIMER = "retry";
  private static final String WARM_TIMER = "warm";

  private final String id;
  private final Settings settings;
  private final ActorContext<Command> ctx;
  private final TimerScheduler<Command> timers;
  private final EntityLifecycle<Command> lifecycle;
  private final JtorkMetrics metrics;
  /** The fire the timer is set for. */
  private Instant armed;
  /** The fire being submitted (between its timer and its journaled outcome). */
  private Instant inFlight;
  private int attempts;
  private CronSchedule cron;

  private ScheduledJobEntity(String id, Settings settings, ActorContext<Command> ctx, TimerScheduler<Command> timers,
      ActorRef<ClusterSharding.ShardCommand> shard) {
    super(PersistenceId.of(TYPE_KEY.name(), id), EntityLifecycle.ON_PERSIST_FAILURE);
    this.id = id;
    this.settings = settings;
    this.ctx = ctx;
    this.timers = timers;
    this.metrics = JtorkMetrics.get(ctx.getSystem());
    this.lifecycle = new EntityLifecycle<>(timers, shard, ctx.getSelf(), settings.passivateAfter(), new PassivateIfIdle());
  }

  @Override
  public ScheduledJob emptyState() {
    return ScheduledJob.empty(id);
  }

  @Override
  public EventHandler<ScheduledJob, ScheduledJobEvent> eventHandler() {
    return (state, event) -> event.applyTo(state);
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(100, 2);
  }

  @Override
  public SignalHandler<ScheduledJob> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), state -> {
          // After a restart on a failed write the object survives but its timers do not.
          inFlight = null;
          armed = null;
          attempts = 0;
          if (state.state() == ScheduledJobState.ACTIVE) ctx.getSelf().tell(new CatchUp());
          else lifecycle.schedulePassivation();
        })
        .build();
  }

  @Override
  public CommandHandler<Command, ScheduledJobEvent, ScheduledJob> commandHandler() {
    return newCommandHandlerBuilder().forAnyState()
        .onCommand(Create.class, this::onCreate)
        .onCommand(Get.class, (state, c) -> {
          if (state.state() != ScheduledJobState.ACTIVE) lifecycle.schedulePassivation();
          return Effect().reply(c.replyTo(), state.exists() ? ok(state) : notFound());
        })
        .onCommand(Pause.class, this::onPause)
        .onCommand(Resume.class, this::onResume)
        .onCommand(Delete.class, this::onDelete)
        .onCommand(CatchUp.class, this::onCatchUp)
        .onCommand(FirstDueChecked.class, this::onFirstDueChecked)
        .onCommand(Due.class, this::onDue)
        .onCommand(PreviousChecked.class, this::onPreviousChecked)
        .onCommand(Submitted.class, this::onSubmitted)
        .onCommand(RetryFire.class, this::onRetryFire)
        .onCommand(Warm.class, (state, c) -> {
          if (c.fireTime().equals(armed)) settings.jobs().get(jobId(id, c.fireTime()));
          return Effect().none();
        })
        .onCommand(PassivateIfIdle.class, (state, c) -> {
          if (state.state() != ScheduledJobState.ACTIVE && inFlight == null) {
            lifecycle.passivate();
          }
          return Effect().none();
        })
        .build();
  }

  // ---- API commands --------------------------------------------------------------------------

  private Effect<ScheduledJobEvent, ScheduledJob> onCreate(ScheduledJob state, Create c) {
    String key = "Idempotency-Key \"" + c.idempotencyKey() + "\"";
    if (state.exists()) {
      if (c.idempotencyKey() != null && !IdempotencyKeys.sameDocument(state.spec(), c.spec())) {
        return Effect().reply(c.replyTo(), new Conflict(key + " was already used for another scheduled job (" + id
            + "): send the same scheduled job again to get it, or use a new key for a new one"));
      }
      return Effect().reply(c.replyTo(), ok(state));
    }
    if (state.state() == ScheduledJobState.DELETED) {
      return Effect().reply(c.replyTo(), c.idempotencyKey() == null ? notFound() : new Conflict(key
          + " was used for scheduled job " + id + ", which has since been deleted; use a new key"));
    }
    return Effect().persist(new ScheduledJobCreated(id, c.spec(), c.createdBy(), Instant.now()))
        .thenRun(this::arm)
        .thenReply(c.replyTo(), this::ok);
  }

  private Effect<ScheduledJobEvent, ScheduledJob> onPause(ScheduledJob state, Pause c) {
    if (!state.exists()) return Effect().reply(c.replyTo(), notFound());
    if (state.state() != ScheduledJobState.ACTIVE) {
      return Effect().reply(c.replyTo(), new Rejected("scheduled job is not active"));
    }
    return Effect().persist(new ScheduledJobPaused(c.by(), Instant.now()))
        .thenRun(s -> disarm())
        .thenReply(c.replyTo(), this::ok);
  }

  private Effect<ScheduledJobEvent, ScheduledJob> onResume(ScheduledJob state, Resume c) {
    if (!state.exists()) return Effect().reply(c.replyTo(), notFound());
    if (state.state() != ScheduledJobState.PAUSED) {
      return Effect().reply(c.replyTo(), new Rejected("scheduled job is not paused"));
    }
    return Effect().persist(new ScheduledJobResumed(c.by(), Instant.now()))
        .thenRun(this::arm)
        .thenReply(c.replyTo(), this::ok);
  }

  private Effect<ScheduledJobEvent, ScheduledJob> onDelete(ScheduledJob state, Delete c) {
    if (!state.exists()) return Effect().reply(c.replyTo(), notFound());
    return Effect().persist(new ScheduledJobDeleted(c.by(), Instant.now()))
        .thenRun(s -> disarm())
        .thenReply(c.replyTo(), s -> new Ok(s, null, lastSequenceNumber(ctx)));
  }

  // ---- fires ---------------------------------------------------------------------------------

  /**
   * After recovery: the instants that came due while this entity did not run. The ones the
   * {@code catchUp} policy drops are journaled as missed; {@link #arm} then fires the rest, each
   * at once since they are due, in order.
   */
  private Effect<ScheduledJobEvent, ScheduledJob> onCatchUp(ScheduledJob state, CatchUp c) {
    if (state.state() != ScheduledJobState.ACTIVE) return Effect().none();
    Optional<Instant> first = cron(state).nextAfter(reference(state));
    if (first.isEmpty() || first.get().isAfter(Instant.now())) {
      arm(state);
      return Effect().none();
    }
    // Only the first due fire can have been in flight at the crash (fires go one at a time).
    Instant fireTime = first.get();
    String jobId = jobId(id, fireTime);
    ctx.pipeToSelf(settings.jobs().get(jobId), (reply, failure) -> new FirstDueChecked(fireTime, jobId,
        reply instanceof JobEntity.Ok ok ? ok.job().createdAt() : null, failure == null ? null : failure.toString()));
    return Effect().none();
  }

  private Effect<ScheduledJobEvent, ScheduledJob> onFirstDueChecked(ScheduledJob state, FirstDueChecked c) {
    if (state.state() != ScheduledJobState.ACTIVE) return Effect().none();
    if (c.error() != null) {
      ctx.getLog().warn("scheduled job {}: could not ask whether the fire of {} made its job before the node went"
          + " down ({}); trying again", id, c.fireTime(), c.error());
      timers.startSingleTimer("catch-up", new CatchUp(), Duration.ofSeconds(1));
      return Effect().none();
    }
    if (c.createdAt() != null) {
      ctx.getLog().info("scheduled job {}: the fire of {} had made job {} before the node went down", id,
          c.fireTime(), c.jobId());
      return Effect().persist(new ScheduledJobFired(c.fireTime(), c.jobId(), c.createdAt()))
          .thenRun(s -> ctx.getSelf().tell(new CatchUp()));
    }
    return catchUp(state, c.fireTime());
  }

  /** Journals the due fires {@code catchUp} drops as missed; {@link #arm} then fires the kept ones in order. */
  private Effect<ScheduledJobEvent, ScheduledJob> catchUp(ScheduledJob state, Instant first) {
    Instant now = Instant.now();
    CronSchedule schedule = cron(state);
    Instant latest = schedule.latestAtOrBefore(now).filter(i -> !i.isBefore(first)).orElse(first);
    ScheduleSpec.CatchUp policy = state.spec().schedule().catchUpPolicy();
    int keep = switch (policy) {
      case NONE -> 0;
      case LAST -> 1;
      case ALL -> settings.catchUpMax();
    };
    // The oldest instant kept: walk back from the latest, keep-1 steps, not before the first.
    Instant oldestKept = null;
    if (keep > 0) {
      oldestKept = latest;
      for (int i = 1; i < keep; i++) {
        Optional<Instant> before = schedule.latestAtOrBefore(oldestKept.minusMillis(1));
        if (before.isEmpty() || before.get().isBefore(first)) break;
        oldestKept = before.get();
      }
    }
    Instant lastDropped = oldestKept == null ? latest
        : schedule.latestAtOrBefore(oldestKept.minusMillis(1)).filter(i -> !i.isBefore(first)).orElse(null);
    if (lastDropped == null) {
      ctx.getLog().info("scheduled job {}: catching up on the fires since {} ({})", id, first, policy);
      arm(state);
      return Effect().none();
    }
    long count = count(schedule, first, lastDropped);
    ctx.getLog().info("scheduled job {}: {} fire(s) from {} to {} came due while no node ran it; catchUp {} drops"
        + " them", id, count >= COUNT_CAP ? "at least " + count : count, first, lastDropped, policy);
    return Effect().persist(new ScheduledJobFiresMissed(first, lastDropped, count,
        policy.name().toLowerCase(Locale.ROOT), now)).thenRun(s -> {
          metrics.scheduleFires("missed", count);
          arm(s);
        });
  }

  private static long count(CronSchedule schedule, Instant first, Instant last) {
    long n = 1;
    Instant at = first;
    while (n < COUNT_CAP) {
      Optional<Instant> next = schedule.nextAfter(at);
      if (next.isEmpty() || next.get().isAfter(last)) break;
      at = next.get();
      n++;
    }
    return n;
  }

  private Effect<ScheduledJobEvent, ScheduledJob> onDue(ScheduledJob state, Due c) {
    if (state.state() != ScheduledJobState.ACTIVE || !c.fireTime().equals(armed) || inFlight != null) {
      return Effect().none();
    }
    Duration early = Duration.between(Instant.now(), c.fireTime());
    if (!early.isNegative() && !early.isZero()) {
      timers.startSingleTimer(FIRE_TIMER, c, early); // never fire early
      return Effect().none();
    }
    armed = null;
    inFlight = c.fireTime();
    attempts = 0;
    fire(state, c.fireTime());
    return Effect().none();
  }

  /** Checks the previous run (for {@code overlap: skip}), then submits. */
  private void fire(ScheduledJob state, Instant fireTime) {
    if (state.spec().schedule().overlapPolicy() == ScheduleSpec.Overlap.SKIP && state.lastJobId() != null) {
      ctx.pipeToSelf(settings.jobs().get(state.lastJobId()), (reply, failure) -> {
        if (failure != null) return new PreviousChecked(fireTime, null, failure.toString());
        if (reply instanceof JobEntity.Ok ok && ok.job().state().isActive()) {
          return new PreviousChecked(fireTime, ok.job().state().name(), null);
        }
        return new PreviousChecked(fireTime, null, null);
      });
    } else {
      submit(state, fireTime);
    }
  }

  private Effect<ScheduledJobEvent, ScheduledJob> onPreviousChecked(ScheduledJob state, PreviousChecked c) {
    if (!c.fireTime().equals(inFlight)) return Effect().none();
    if (c.error() != null) {
      retry(c.fireTime(), "could not ask the previous job whether it is still active: " + c.error());
      return Effect().none();
    }
    if (c.activeState() != null) {
      String reason = "overlap: skip, and the job of the previous fire (" + state.lastJobId() + ") is still "
          + c.activeState();
      ctx.getLog().info("scheduled job {}: fire of {} skipped: {}", id, c.fireTime(), reason);
      return Effect().persist(new ScheduledJobFireSkipped(c.fireTime(), reason, Instant.now()))
          .thenRun(s -> {
            metrics.scheduleFires("skipped", 1);
            afterFire(s);
          });
    }
    submit(state, c.fireTime());
    return Effect().none();
  }

  private void submit(ScheduledJob state, Instant fireTime) {
    String jobId = jobId(id, fireTime);
    ctx.pipeToSelf(settings.jobs().submit(jobId, state.spec().job(), state.createdBy(),
            new ScheduleRef(id, state.cron(), fireTime)),
        (reply, failure) -> new Submitted(fireTime, jobId, failure != null ? failure.toString()
            : reply instanceof JobEntity.Ok ? null : String.valueOf(reply)));
  }

  /** The id of the job the fire of {@code fireTime} submits: the same on every attempt and every node. */
  public static String jobId(String scheduledJobId, Instant fireTime) {
    return Ids.derived("jtork-schedule:" + scheduledJobId + "@" + fireTime);
  }

  private Effect<ScheduledJobEvent, ScheduledJob> onSubmitted(ScheduledJob state, Submitted c) {
    if (!c.fireTime().equals(inFlight)) return Effect().none();
    if (c.error() != null) {
      retry(c.fireTime(), "could not submit its job " + c.jobId() + ": " + c.error());
      return Effect().none();
    }
    // Journaled even if the schedule was paused or deleted meanwhile: the job exists.
    Instant now = Instant.now();
    return Effect().persist(new ScheduledJobFired(c.fireTime(), c.jobId(), now)).thenRun(s -> {
      metrics.scheduleFires("fired", 1);
      metrics.scheduleLateness(Duration.between(c.fireTime(), now));
      afterFire(s);
    });
  }

  private void retry(Instant fireTime, String why) {
    attempts++;
    long seconds = Math.min(settings.retryMax().toSeconds(), 1L << Math.min(attempts - 1, 10));
    ctx.getLog().warn("scheduled job {}: fire of {} {}; trying again in {}s", id, fireTime, why, seconds);
    timers.startSingleTimer(RETRY_TIMER, new RetryFire(fireTime), Duration.ofSeconds(Math.max(1, seconds)));
  }

  /**
   * A fire whose submission failed, tried again with the same job id. It is finished even if the
   * schedule was paused or deleted meanwhile: it came due while the schedule was active.
   */
  private Effect<ScheduledJobEvent, ScheduledJob> onRetryFire(ScheduledJob state, RetryFire c) {
    if (c.fireTime().equals(inFlight)) fire(state, c.fireTime());
    return Effect().none();
  }

  private void afterFire(ScheduledJob state) {
    inFlight = null;
    attempts = 0;
    if (state.state() == ScheduledJobState.ACTIVE) arm(state);
    else lifecycle.schedulePassivation();
  }

  /** Sets the timer for the next fire; a fire that is already due is fired at once. */
  private void arm(ScheduledJob state) {
    if (state.state() != ScheduledJobState.ACTIVE || inFlight != null) return;
    Optional<Instant> next = cron(state).nextAfter(reference(state));
    if (next.isEmpty()) {
      ctx.getLog().info("scheduled job {}: its cron {} has no further fire", id, state.cron());
      return;
    }
    armed = next.get();
    Duration delay = Duration.between(Instant.now(), armed);
    timers.startSingleTimer(FIRE_TIMER, new Due(armed), delay.isNegative() ? Duration.ZERO : delay);
    // A job entity, even a new one, reads its journal before it takes its first command, and a
    // remembered entity's start is journaled too: done ahead of the fire, neither delays it.
    // Half the time to the fire at most, so a warmed entity is still there (it passivates after
    // passivate-after when it has no job).
    Duration lead = settings.warmLead().compareTo(delay.dividedBy(2)) < 0 ? settings.warmLead() : delay.dividedBy(2);
    if (!lead.isNegative() && !lead.isZero()) timers.startSingleTimer(WARM_TIMER, new Warm(armed), delay.minus(lead));
  }

  private void disarm() {
    timers.cancel(FIRE_TIMER);
    timers.cancel(WARM_TIMER);
    armed = null;
    lifecycle.schedulePassivation();
  }

  /** Fires after this instant are due: the last one handled, or when it last became ACTIVE. */
  private static Instant reference(ScheduledJob state) {
    Instant since = state.activeSince();
    Instant last = state.lastFireTime();
    return last == null || last.isBefore(since) ? since : last;
  }

  private CronSchedule cron(ScheduledJob state) {
    if (cron == null) cron = CronSchedule.parse(state.cron(), state.spec().schedule().timezone());
    return cron;
  }

  /** The scheduled job as it is; only in a command handler or after a persist (it reads the sequence number). */
  private Ok ok(ScheduledJob state) {
    long seqNr = lastSequenceNumber(ctx);
    if (state.state() != ScheduledJobState.ACTIVE) return new Ok(state, null, seqNr);
    Instant next = inFlight != null ? inFlight : armed != null ? armed : cron(state).nextAfter(reference(state))
        .orElse(null);
    return new Ok(state, next, seqNr);
  }

  private static NotFound notFound() {
    return new NotFound("scheduled job not found");
  }
}
