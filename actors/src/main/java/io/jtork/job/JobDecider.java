package io.jtork.job;

import com.fasterxml.jackson.core.type.TypeReference;
import io.jtork.event.EachExpanded;
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
import io.jtork.job.JobEntity.Conflict;
import io.jtork.job.JobEntity.NotFound;
import io.jtork.job.JobEntity.Rejected;
import io.jtork.job.JobEntity.Reply;
import io.jtork.job.TaskReport.RunLost;
import io.jtork.job.TaskReport.RunProgressed;
import io.jtork.job.TaskReport.RunStarted;
import io.jtork.job.TaskReport.RunSucceeded;
import io.jtork.json.Json;
import io.jtork.model.EachItems;
import io.jtork.model.Executions;
import io.jtork.model.Ids;
import io.jtork.model.Job;
import io.jtork.model.JobState;
import io.jtork.model.Task;
import io.jtork.model.TaskState;
import io.jtork.model.WebhookCall;
import io.jtork.redact.Redactor;
import io.jtork.spec.GoDuration;
import io.jtork.spec.JobSpec;
import io.jtork.spec.RetrySpec;
import io.jtork.spec.TaskSpec;
import io.jtork.webhook.Webhooks;
import java.io.IOException;
import java.lang.reflect.Array;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Decides what a job does next. Given the job as its journal leaves it, one input (a command of
 * the API, reports from its task actors, the outcome of a webhook attempt) and the time, it
 * answers with a {@link Decision}: the events to journal and the effects to perform once they
 * are. It has no actor context, no logging and no I/O (what is worth a log line comes back as a
 * {@link Note}), so each transition is tested in plain JUnit ({@code JobDeciderTest}).
 *
 * <p>One decider serves one job entity: it keeps the job's redaction set as a memo
 * ({@link #secretValues}), which changes no decision, only what they cost.
 */
public final class JobDecider {
  /** The most children of an {@code each} created by one command: a write of a few thousand events at most. */
  static final int EACH_BATCH = 1000;

  /**
   * What decisions depend on besides the job.
   *
   * @param maxRedeliveries how often a run may be lost with its worker and redelivered before the
   *     task fails, when lost runs do not count as retries ({@code jtork.job.max-redeliveries})
   * @param maxEachItems the longest list an {@code each} may fan out to ({@code jtork.job.max-each-items})
   * @param workerLostCountsAsRetry whether a run lost with its worker uses up one of the task's
   *     {@code retry.limit} (true) or is redelivered as the same execution (false, the default)
   */
  public record Rules(TaskFactory tasks, Expressions expressions, Webhooks webhooks, int maxRedeliveries,
      int maxEachItems, boolean workerLostCountsAsRetry) {}

  /** Something to do once a decision's events are journaled. */
  public sealed interface Effect permits Note, RetryWebhook {}

  /** A line for the job's log. */
  public record Note(boolean warning, String text) implements Effect {}

  /** Try the outbox's first call again after {@code after}. */
  public record RetryWebhook(Duration after) implements Effect {}

  /**
   * @param events what to journal, in order; none when nothing changes
   * @param refusal the answer when the command does not apply, with nothing journaled; null when
   *     the command is answered with the job
   * @param effects what to do once the events are journaled
   */
  public record Decision(List<JobEvent> events, Reply refusal, List<Effect> effects) {
    /** Nothing to journal, do or answer but the job. */
    static final Decision NONE = new Decision(List.of(), null, List.of());

    static Decision refuse(Reply refusal) {
      return new Decision(List.of(), refusal, List.of());
    }
  }

  private final Rules rules;
  /**
   * The job's redaction set ({@link Redactor#secretValues(Job)}), kept up to date: executions are
   * only ever added, so each is scanned once ({@code redactionScanned} of them so far, for the spec
   * {@code redactionOf}); recomputing it for every event would make a large {@code each} O(n²).
   */
  private Set<String> redaction;
  private JobSpec redactionOf;
  private int redactionScanned;

  public JobDecider(Rules rules) {
    this.rules = rules;
  }

  // ---- commands of the API -------------------------------------------------------------------

  /**
   * Submits the job. A second submit of an id answers with the job it made, even a deleted one (a
   * derived id submitted again after a crash must not run the job twice), unless its
   * {@code Idempotency-Key} carries another job.
   */
  public Decision submit(Job state, JobEntity.Submit c, Instant now) {
    if (state.state() != null) {
      return Decision.refuse(c.idempotencyKey() == null ? null : idempotencyConflict(state, c));
    }
    Plan plan = new Plan(state, now);
    plan.add(new JobSubmitted(state.id(), c.spec(), c.createdBy(), c.parentId(), c.schedule(), now));
    plan.add(new JobStarted(now));
    startTaskAt(plan, 1);
    return plan.decision();
  }

  /**
   * Why a submit with an {@code Idempotency-Key} that made this job may not answer with it: the job
   * has been deleted, or the submit carries another job. Null when it is the same job again.
   */
  private static Reply idempotencyConflict(Job state, JobEntity.Submit c) {
    String key = "Idempotency-Key \"" + c.idempotencyKey() + "\"";
    if (!state.exists()) {
      return new Conflict(key + " was used for job " + state.id() + ", which has since been deleted; use a new key");
    }
    if (!IdempotencyKeys.sameDocument(state.spec(), c.spec())) {
      return new Conflict(key + " was already used for another job (" + state.id() + "): send the same job again to"
          + " get it, or use a new key for a new job");
    }
    return null;
  }

  public Decision cancel(Job state, String by, Instant now) {
    if (!state.exists()) return Decision.refuse(notFound());
    if (!state.state().isActive()) return Decision.refuse(new Rejected("job is not running"));
    Plan plan = new Plan(state, now);
    plan.add(new JobCancelled(by, now));
    cancelActiveTasks(plan);
    return plan.decision();
  }

  public Decision restart(Job state, String by, Instant now) {
    if (!state.exists()) return Decision.refuse(notFound());
    if (state.state() != JobState.FAILED && state.state() != JobState.CANCELLED) {
      return Decision.refuse(new Rejected("job is " + state.state() + " and can not be restarted"));
    }
    if (state.position() > state.taskCount()) return Decision.refuse(new Rejected("job has no more tasks to run"));
    Plan plan = new Plan(state, now);
    plan.add(new JobRestarted(by, now));
    startTaskAt(plan, state.position());
    return plan.decision();
  }

  /** Deletes a finished job; without a {@code reason}, its autoDelete or the retention of finished jobs. */
  public Decision delete(Job state, String by, String reason, Instant now) {
    if (!state.exists()) return Decision.refuse(notFound());
    if (!state.state().isTerminal()) {
      return Decision.refuse(new Rejected("job is " + state.state() + " and can not be deleted"));
    }
    String why = reason != null ? reason
        : state.deleteAt() != null && !state.deleteAt().isAfter(now) ? "autoDelete" : "retention of finished jobs";
    return new Decision(List.of(new JobDeleted(by, why, now)), null, List.of());
  }

  static NotFound notFound() {
    return new NotFound("job not found");
  }

  // ---- reports of task actors ----------------------------------------------------------------

  /** Reports in the order they came, each decided against the state the ones before led to. */
  public Decision reports(Job state, List<? extends TaskReport> reports, Instant now) {
    Plan plan = new Plan(state, now);
    for (TaskReport r : reports) r.decide(this, plan);
    return plan.decision();
  }

  void runStarted(Plan plan, RunStarted c) {
    Job state = plan.state;
    Task t = current(plan, c.taskId(), c.run());
    if (t == null || !state.state().isActive()) return;
    if (t.state() == TaskState.RUNNING && c.nodeId().equals(t.nodeId())) return;
    plan.add(new TaskStarted(c.taskId(), c.run(), c.nodeId(), c.workerAddress(), c.at()));
    if (state.state() == JobState.SCHEDULED) plan.add(new JobRunning(c.at()));
  }

  void runProgressed(Plan plan, RunProgressed c) {
    Job state = plan.state;
    Task t = current(plan, c.taskId(), c.run());
    double p = Job.round2(Math.max(0, Math.min(100, c.progress())));
    if (t == null || !state.state().isActive() || t.progress() == p) return;
    double jobProgress = t.isTopLevel() ? state.progressWithin(p) : state.progress();
    plan.add(new TaskProgressed(c.taskId(), p, jobProgress, plan.now));
  }

  void runSucceeded(Plan plan, RunSucceeded c) {
    if (current(plan, c.taskId(), c.run()) == null) return;
    // Redacted before it is journaled: the result is also the output later tasks and the job's output see.
    String result = redact(c.result(), plan.state);
    plan.add(new TaskCompleted(c.taskId(), result, c.at()));
    if (plan.state.state().isActive()) taskDone(plan, c.taskId(), result);
  }

  void runFailed(Plan plan, String taskId, int run, String error, TaskFailed.Cause cause, String handedTo,
      Instant at) {
    Job state = plan.state;
    Task t = current(plan, taskId, run);
    if (t == null) return;
    String redacted = redact(error, state);
    plan.add(new TaskFailed(taskId, redacted, cause, handedTo, at));
    if (!state.state().isActive()) return;
    RetrySpec retry = t.spec().retry();
    if (retry != null && retry.limit() != null && t.attempts() < retry.limit()) {
      Task again = Task.created(Ids.newId(), state.id(), t.parentId(), t.position(), t.spec(), t.attempts() + 1,
          plan.now);
      Duration delay = retryDelay(retry, t.attempts());
      if (!delay.isZero()) again = again.scheduledFor(plan.now.plus(delay));
      plan.add(new TaskCreated(again));
    } else {
      failParents(plan, t, redacted);
      failJob(plan, redacted);
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
  void runLost(Plan plan, RunLost c) {
    Task t = current(plan, c.taskId(), c.run());
    if (t == null || !plan.state.state().isActive()) return;
    if (rules.workerLostCountsAsRetry()) {
      plan.note("run " + c.run() + " of task " + c.taskId() + " lost (" + c.reason()
          + "); it counts as a failed attempt");
      runFailed(plan, c.taskId(), c.run(), c.reason(), TaskFailed.Cause.WORKER_LOST, c.handedTo(), plan.now);
      return;
    }
    if (t.redelivered() + 1 > rules.maxRedeliveries()) {
      runFailed(plan, c.taskId(), c.run(), "task redelivered too many times (jtork.job.max-redeliveries = "
          + rules.maxRedeliveries() + "): " + c.reason(), TaskFailed.Cause.REDELIVERIES, c.handedTo(), plan.now);
      return;
    }
    plan.note("run " + c.run() + " of task " + c.taskId() + " lost (" + c.reason() + "); running it again");
    plan.add(new TaskRunLost(c.taskId(), c.run(), c.reason(), plan.now));
  }

  /** The task if {@code run} is its current run and it has not ended; otherwise the report is stale. */
  private static Task current(Plan plan, String taskId, int run) {
    Task t = plan.state.task(taskId).orElse(null);
    if (t == null || t.run() != run || !t.state().isActive()) {
      plan.note("ignoring a report for run " + run + " of task " + taskId + ", which is not its current run");
      return null;
    }
    return t;
  }

  // ---- an each's children, in their turn ------------------------------------------------------

  /** Creates the next batch of children of the {@code each} that is execution {@code taskId}, if it has room. */
  public Decision growEach(Job state, String taskId, Instant now) {
    Plan plan = new Plan(state, now);
    if (state.task(taskId).isPresent()) compositeProgress(plan, taskId);
    return plan.decision();
  }

  /**
   * The {@code each} executions that have items left and room for them (their concurrency not
   * reached, or a batch cut short): each grows in a command of its own ({@link #growEach}), so
   * that other commands are answered in between.
   */
  public List<String> eachesToGrow(Job state) {
    if (!state.state().isActive()) return List.of();
    List<String> grow = new ArrayList<>();
    state.eaches().forEach((taskId, each) -> {
      if (each.exhausted()) return;
      Task parent = state.task(taskId).orElse(null);
      if (parent != null && parent.state().isActive() && hasRoom(state, parent)) grow.add(taskId);
    });
    return grow;
  }

  /**
   * Creates children of the {@code each} {@code parentId} from its kept items, in order, while
   * fewer than its {@code concurrency} are under way (all of them when it has none), at most
   * {@link #EACH_BATCH} in this decision: a 100,000-item {@code each} neither holds an execution
   * per item before its turn nor writes them all in one command while GETs wait behind it. What
   * is left for later shows in {@link #eachesToGrow}. Returns how many it created.
   */
  private int growEach(Plan plan, String parentId) {
    EachItems each = plan.state.eachOf(parentId);
    Task parent = plan.state.task(parentId).orElse(null);
    if (each == null || parent == null || !parent.state().isActive()) return 0;
    int made = 0;
    while (!each.exhausted() && made < EACH_BATCH && plan.state.state().isActive() && hasRoom(plan.state, parent)) {
      Map<String, Object> scope = new HashMap<>(each.scope());
      Map<String, Object> entry = new HashMap<>();
      entry.put("index", String.valueOf(each.next()));
      entry.put("value", each.items().get(each.next()));
      scope.put(each.var(), entry);
      startTask(plan, parent.spec().each().task(), parent.position(), parentId, scope, false);
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

  // ---- webhooks ------------------------------------------------------------------------------

  /**
   * The outcome of an attempt at the outbox's call {@code callId}: journaled, and tried again
   * later (Tork waits attempts × 2 s) unless it was delivered, may not be retried, or has had
   * {@link Webhooks#MAX_ATTEMPTS} attempts.
   */
  public Decision webhookAttempted(Job state, String callId, String url, Integer status, String error,
      boolean retryable, Instant now) {
    WebhookCall call = state.outbox().stream().filter(w -> w.id().equals(callId)).findFirst().orElse(null);
    if (call == null) return Decision.NONE;
    int attempt = call.attempts() + 1;
    boolean delivered = status != null && status >= 200 && status < 300;
    boolean done = delivered || !retryable || attempt >= Webhooks.MAX_ATTEMPTS;
    List<Effect> effects = new ArrayList<>();
    if (!delivered) {
      effects.add(new Note(true, "webhook " + url + " attempt " + attempt + " of " + Webhooks.MAX_ATTEMPTS + ": "
          + (status != null ? "HTTP " + status : redact(error, state)) + (done ? "; giving up" : "")));
    }
    if (!done) effects.add(new RetryWebhook(Duration.ofSeconds(2L * attempt)));
    return new Decision(List.of(new WebhookAttempted(callId, url, attempt, status, redact(error, state), done, now)),
        null, effects);
  }

  // ---- deciding what comes next --------------------------------------------------------------

  /**
   * The events one input leads to, each applied as it is added, so that each decision sees the
   * one before. A change that owes webhook calls queues them in the same write
   * ({@link WebhookQueued}): the outbox is journaled with the change, so a crash after the write
   * cannot lose a call.
   */
  final class Plan {
    Job state;
    final Instant now;
    private final List<JobEvent> events = new ArrayList<>();
    private final List<Effect> effects = new ArrayList<>();

    Plan(Job state, Instant now) {
      this.state = state;
      this.now = now;
    }

    void add(JobEvent e) {
      Job before = state;
      events.add(e);
      state = e.applyTo(state);
      if (!(e instanceof WebhookQueued) && !(e instanceof WebhookAttempted)) {
        Job after = state;
        for (WebhookCall call : rules.webhooks().calls(e, before, after, () -> secretValues(after))) {
          add(new WebhookQueued(call, e.at()));
        }
      }
    }

    void note(String text) {
      effects.add(new Note(false, text));
    }

    Decision decision() {
      return new Decision(List.copyOf(events), null, List.copyOf(effects));
    }
  }

  /** A top-level task completed (or was skipped): move on, and start the next task or finish. */
  private void advance(Plan plan, Task t, String output) {
    Job j = plan.state;
    double progress = Job.round2((double) j.position() / j.taskCount() * 100.0);
    plan.add(new JobAdvanced(j.position() + 1, progress, t.spec().var(), output, plan.now));
    startTaskAt(plan, plan.state.position());
  }

  private void startTaskAt(Plan plan, int position) {
    if (position > plan.state.taskCount()) {
      completeJob(plan);
      return;
    }
    startTask(plan, plan.state.taskAt(position).orElseThrow(), position, null, Map.of(), false);
  }

  /**
   * Creates a task: queued (its task actor starts after the events are journaled), held back as
   * CREATED ({@code held}, an {@code each} child beyond the concurrency), skipped by its
   * {@code if}, or failed when a template cannot be evaluated. A composite's children are created
   * at once; the composite itself runs no container and completes when they all have.
   */
  private void startTask(Plan plan, TaskSpec spec, int position, String parentId, Map<String, Object> item,
      boolean held) {
    TaskFactory.Made made = rules.tasks().make(plan.state, spec, position, parentId, 0, plan.now, item,
        secretValues(plan.state));
    Task t = held && made instanceof TaskFactory.Ready ? made.task().held() : made.task();
    plan.add(new TaskCreated(t));
    if (made instanceof TaskFactory.Invalid invalid) {
      String error = redact(invalid.error(), plan.state);
      plan.add(new TaskFailed(t.id(), error, TaskFailed.Cause.INVALID, null, plan.now));
      failParents(plan, t, error);
      failJob(plan, invalid.error());
    } else if (made instanceof TaskFactory.Skipped) {
      plan.add(new TaskSkipped(t.id(), plan.now));
      // A skipped child is counted when its parent checks its children, after all are created.
      if (parentId == null) taskDone(plan, t.id(), null);
    } else if (!held && t.spec().subjob() != null) {
      // RUNNING without a worker: a SubJobActor submits the child job and reports its outcome.
      plan.add(new TaskStarted(t.id(), t.run(), null, null, plan.now));
    } else if (!held && t.spec().isComposite()) {
      startChildren(plan, t, item);
    }
  }

  /** Runs a composite: RUNNING, with its children created (an each's in their turn, see {@link #growEach}). */
  private void startChildren(Plan plan, Task parent, Map<String, Object> item) {
    plan.add(new TaskStarted(parent.id(), parent.run(), null, null, plan.now));
    TaskSpec spec = parent.spec();
    if (spec.parallel() != null) {
      for (TaskSpec child : spec.parallel().tasks()) {
        startTask(plan, child, parent.position(), parent.id(), item, false);
        if (!plan.state.state().isActive()) return;
      }
    } else {
      List<Object> kept;
      Map<String, Object> outer;
      try {
        Map<String, Object> scope = Scope.of(plan.state.context());
        scope.putAll(item);
        Object list = rules.expressions().evaluateWhole(spec.each().list(), scope);
        List<?> items = asList(list);
        if (items == null) {
          throw new ExpressionException("each.list: " + spec.each().list() + " is not a list (it is "
              + (list == null ? "nil" : list.getClass().getSimpleName()) + ")");
        }
        // Checked before any child exists: each item is an execution in the job's state and journal.
        if (items.size() > rules.maxEachItems()) {
          throw new ExpressionException("each.list: " + items.size() + " items, more than jtork.job.max-each-items ("
              + rules.maxEachItems() + ")");
        }
        // Kept as the journal gives them back (JSON's types: an int, not a long), so that a child
        // made after a recovery sees exactly what one made before it does.
        kept = asJournaled(items, LIST_OF_VALUES);
        outer = asJournaled(item, MAP_OF_VALUES);
      } catch (ExpressionException e) {
        String error = redact(e.getMessage(), plan.state);
        plan.add(new TaskFailed(parent.id(), error, TaskFailed.Cause.INVALID, null, plan.now));
        failParents(plan, parent, error);
        failJob(plan, e.getMessage());
        return;
      }
      String var = spec.each().var() == null || spec.each().var().isBlank() ? "item" : spec.each().var();
      // The items are kept; the children are created in their turn (growEach), not all at once.
      plan.add(new EachExpanded(parent.id(), kept, var, outer, plan.now));
    }
    compositeProgress(plan, parent.id());
  }

  private static final TypeReference<List<Object>> LIST_OF_VALUES = new TypeReference<>() {};
  private static final TypeReference<Map<String, Object>> MAP_OF_VALUES = new TypeReference<>() {};

  /** {@code value} written and read back as JSON (convertValue would hand back a list it was given as it is). */
  private static <T> T asJournaled(Object value, TypeReference<T> type) throws ExpressionException {
    try {
      return Json.json().readValue(Json.json().writeValueAsBytes(value), type);
    } catch (IOException e) {
      throw new ExpressionException("each.list: the items cannot be kept: " + e.getMessage());
    }
  }

  private static List<?> asList(Object o) {
    if (o instanceof List<?> l) return l;
    if (o instanceof Object[] a) return List.of(a);
    if (o != null && o.getClass().isArray()) {
      List<Object> out = new ArrayList<>();
      for (int i = 0; i < Array.getLength(o); i++) out.add(Array.get(o, i));
      return out;
    }
    return null;
  }

  /**
   * A task completed or was skipped: a top-level one moves the job on; a composite's child
   * stores its output, lets the next held-back sibling go, and completes the parent when it was
   * the last.
   */
  private void taskDone(Plan plan, String taskId, String output) {
    Task t = plan.state.task(taskId).orElseThrow();
    if (t.isTopLevel()) {
      advance(plan, t, output);
      return;
    }
    if (t.state() == TaskState.COMPLETED && t.spec().var() != null && !t.spec().var().isBlank()) {
      plan.add(new TaskOutputStored(t.spec().var(), output, plan.now));
    }
    compositeProgress(plan, t.parentId());
  }

  /** Releases held-back children while fewer than the concurrency run, and completes the parent when all are done. */
  private void compositeProgress(Plan plan, String parentId) {
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
        plan.add(new TaskReleased(c.id(), plan.now));
        running++;
        released++;
        Task let = plan.state.task(c.id()).orElseThrow();
        if (let.spec().subjob() != null) plan.add(new TaskStarted(let.id(), let.run(), null, null, plan.now));
        else if (let.spec().isComposite()) startChildren(plan, let, Map.of());
      }
    }
    if (released > 0) return; // a child was just let go: not done yet
    if (growEach(plan, parentId) > 0) {
      // What was just created may have ended already (skipped by its if): count again.
      allDone = !plan.state.executions().childrenOf(parentId).anyActive();
    }
    EachItems each = plan.state.eachOf(parentId);
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
      plan.add(new TaskCompleted(parentId, null, plan.now));
      taskDone(plan, parentId, null);
    }
  }

  /** A failed execution that a retry replaced (a later execution of the same spec under the same parent). */
  private static boolean retried(Job job, Task failed) {
    return job.execution().stream().anyMatch(o -> o != failed && o.attempts() > failed.attempts()
        && Objects.equals(o.parentId(), failed.parentId()) && o.spec().equals(failed.spec()));
  }

  /** A child failed for good: its composite parents fail with it. */
  private void failParents(Plan plan, Task t, String error) {
    String parentId = t.parentId();
    while (parentId != null) {
      Task parent = plan.state.task(parentId).orElse(null);
      if (parent == null) return;
      if (parent.state().isActive()) {
        plan.add(new TaskFailed(parent.id(), redact(error, plan.state), TaskFailed.Cause.CHILD, null, plan.now));
      }
      parentId = parent.parentId();
    }
  }

  private void completeJob(Plan plan) {
    Job j = plan.state;
    String output = j.spec().output();
    String result = null;
    if (output != null && !output.isBlank()) {
      try {
        result = rules.expressions().template(output, Scope.of(j.context()));
      } catch (ExpressionException e) {
        failJob(plan, e.getMessage());
        return;
      }
    }
    Instant deleteAt = j.spec().autoDelete() == null ? null
        : GoDuration.parse(j.spec().autoDelete().after()).map(plan.now::plus).orElse(null);
    plan.add(new JobCompleted(redact(result, j), deleteAt, plan.now));
  }

  private void failJob(Plan plan, String error) {
    plan.add(new JobFailed(redact(error, plan.state), plan.now));
    cancelActiveTasks(plan);
  }

  private static void cancelActiveTasks(Plan plan) {
    for (Task t : plan.state.activeTasks()) plan.add(new TaskCancelled(t.id(), plan.now));
  }

  // ---- redaction -----------------------------------------------------------------------------

  /** {@code text} with the job's secret values masked. */
  String redact(String text, Job job) {
    return Redactor.redactValues(text, secretValues(job));
  }

  /** The job's redaction set: see {@link Redactor#secretValues(Job)}; not to be changed by the caller. */
  Set<String> secretValues(Job job) {
    Redactor r = rules.webhooks().redactor();
    if (job.spec() == null) return Set.of();
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
}
