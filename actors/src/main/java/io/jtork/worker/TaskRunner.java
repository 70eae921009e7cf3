package io.jtork.worker;

import io.jtork.dispatch.TaskCommand;
import io.jtork.dispatch.TaskWork;
import io.jtork.dispatch.WorkerCommand;
import io.jtork.event.TaskFailed;
import io.jtork.model.Ids;
import io.jtork.redact.Redactor;
import io.jtork.runtime.RunningStep;
import io.jtork.runtime.StepFailure;
import io.jtork.runtime.StepResult;
import io.jtork.runtime.StepSpec;
import io.jtork.runtime.TaskRuntime;
import io.jtork.spec.AuxTaskSpec;
import io.jtork.spec.GoDuration;
import io.jtork.spec.TaskSpec;
import io.jtork.store.TaskLogStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Runs one attempt on its worker: the {@code pre} steps, the main task, then the {@code post}
 * steps, one at a time, under one deadline (Tork's pre and post share the task's timeout).
 * Output is shipped as numbered parts about once a second, with secrets redacted; a non-zero
 * exit fails the task with the exit code and the last lines of output. Its messages never
 * leave the worker (it is the worker's child), and some carry a live process handle, so they
 * are exempt from serialization checks.
 */
final class TaskRunner extends AbstractBehavior<TaskRunner.Command> {
  private static final int LAST_LINES = 10;
  private static final int MAX_PART_CHARS = 64 * 1024;

  interface Command extends NoSerializationVerificationNeeded {}

  record Cancel() implements Command {}

  private record StepStarted(int index, RunningStep step) implements Command {}

  private record StepStartFailed(int index, String error) implements Command {}

  private record StepExited(int index, StepResult result) implements Command {}

  private record Flush() implements Command {}

  private record PollProgress() implements Command {}

  private record TimedOut() implements Command {}

  private final TaskWork work;
  private final TaskRuntime runtime;
  private final ActorRef<WorkerCommand> worker;
  private final WorkerNode.Identity identity;
  private final TimerScheduler<Command> timers;
  private final Executor blocking;
  private final List<StepSpec> steps;
  private final int mainIndex;
  /** What the task printed: logged, and its last lines quoted by a failure's error. */
  private final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();
  /** What the runtime says about the task before it runs ({@code [jtork] ...}): logged first, never quoted as its output. */
  private final ConcurrentLinkedQueue<String> notes = new ConcurrentLinkedQueue<>();
  private final Deque<String> lastLines = new ArrayDeque<>();
  private int partNumber;
  private RunningStep current;
  /**
   * The step being started, until its start is answered. The runner may stop first (cancelled,
   * timed out): the step it was starting is then killed as soon as it runs, never left behind.
   */
  private CompletableFuture<RunningStep> starting;
  private String mainOutput;
  private double lastProgress = -1;
  private boolean done;

  static Behavior<Command> create(TaskWork work, TaskRuntime runtime, ActorRef<WorkerCommand> worker,
      WorkerNode.Identity identity, Duration progressInterval) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new TaskRunner(ctx, timers, work, runtime, worker,
        identity, progressInterval)));
  }

  private TaskRunner(ActorContext<Command> ctx, TimerScheduler<Command> timers, TaskWork work, TaskRuntime runtime,
      ActorRef<WorkerCommand> worker, WorkerNode.Identity identity, Duration progressInterval) {
    super(ctx);
    this.work = work;
    this.runtime = runtime;
    this.worker = worker;
    this.identity = identity;
    this.timers = timers;
    this.blocking = ctx.getSystem().dispatchers().lookup(DispatcherSelector.fromConfig("jtork.blocking-dispatcher"));
    TaskSpec spec = work.spec();
    List<StepSpec> all = new ArrayList<>();
    for (int i = 0; i < spec.pre().size(); i++) all.add(aux(spec, spec.pre().get(i), "pre" + i));
    mainIndex = all.size();
    all.add(main(spec));
    for (int i = 0; i < spec.post().size(); i++) all.add(aux(spec, spec.post().get(i), "post" + i));
    this.steps = List.copyOf(all);

    report(new TaskCommand.Started(work.attemptId(), identity.nodeId(), identity.address(), Instant.now()));
    notes.addAll(runtime.notes(steps.get(mainIndex)));
    // A quarter of a second: what a task prints reaches a live log stream within about a second.
    timers.startTimerWithFixedDelay(new Flush(), Duration.ofMillis(250));
    timers.startTimerWithFixedDelay(new PollProgress(), progressInterval);
    if (work.timeout() != null && !work.timeout().isZero()) timers.startSingleTimer(new TimedOut(), work.timeout());
    startStep(0);
  }

  private StepSpec main(TaskSpec t) {
    return new StepSpec(work.attemptId(), work.attemptId(), work.jobId(), work.taskId(), t.name(), t.image(), t.run(), t.cmd(), t.entrypoint(), t.env(), t.files(),
        t.workdir(), t.limits(), t.mounts(), t.networks(), t.gpus(), t.registry(), t.sidecars());
  }

  private StepSpec aux(TaskSpec t, AuxTaskSpec a, String suffix) {
    return new StepSpec(work.attemptId() + "-" + suffix, work.attemptId(), work.jobId(), work.taskId(), a.name(), a.image(), a.run(), a.cmd(), a.entrypoint(),
        a.env(), a.files(), null, t.limits(), t.mounts(), t.networks(), null, a.registry(), List.of());
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(StepStarted.class, this::onStepStarted)
        .onMessage(StepStartFailed.class, f -> {
          starting = null;
          return finish(fail(f.error(), TaskFailed.Cause.TASK));
        })
        .onMessage(StepExited.class, this::onStepExited)
        .onMessage(Flush.class, f -> {
          flush();
          return this;
        })
        .onMessage(PollProgress.class, p -> {
          pollProgress();
          return this;
        })
        .onMessage(TimedOut.class, t -> {
          kill();
          return finish(fail("timeout: the task ran longer than its timeout of " + GoDuration.format(work.timeout())
              + " (context deadline exceeded)", TaskFailed.Cause.TIMEOUT));
        })
        .onMessage(Cancel.class, c -> {
          kill();
          // After the task's own lines, in their order: a cancelled task has no error to quote them.
          lines.add("[jtork] cancelled");
          flush();
          done = true;
          worker.tell(new WorkerNode.RunnerDone(work.attemptId(), null, true));
          return Behaviors.stopped();
        })
        .onSignal(PostStop.class, s -> {
          kill();
          // Every way out of a runner passes here: the attempt's volumes and sidecars can go, once
          // a step still being started has been started and killed (else its container would run on).
          CompletableFuture<RunningStep> pending = starting;
          if (pending == null) {
            runtime.release(work.attemptId());
          } else {
            pending.whenComplete((step, err) -> {
              if (step != null) step.kill();
              runtime.release(work.attemptId());
            });
          }
          return this;
        })
        .build();
  }

  private void startStep(int index) {
    StepSpec step = steps.get(index);
    CompletableFuture<RunningStep> started = CompletableFuture.supplyAsync(() -> {
      try {
        return runtime.start(step, this::onLine);
      } catch (StepFailure e) {
        throw new CompletionException(e);
      }
    }, blocking);
    starting = started;
    getContext().pipeToSelf(started, (s, err) -> s != null ? new StepStarted(index, s)
        : new StepStartFailed(index, stepName(index) + (err.getCause() == null ? err.getMessage() : err.getCause().getMessage())));
  }

  private String stepName(int index) {
    return index == mainIndex ? "" : (index < mainIndex ? "pre" : "post") + " step \"" + steps.get(index).name() + "\": ";
  }

  private void onLine(String line) {
    lines.add(line);
  }

  private Behavior<Command> onStepStarted(StepStarted s) {
    starting = null;
    if (done) {
      s.step().kill();
      return this;
    }
    current = s.step();
    getContext().pipeToSelf(s.step().completion(), (r, err) -> new StepExited(s.index(),
        r != null ? r : StepResult.failed(String.valueOf(err))));
    return this;
  }

  private Behavior<Command> onStepExited(StepExited e) {
    if (done) return this;
    current = null;
    StepResult r = e.result();
    if (!r.succeeded()) {
      flush();
      String why = r.error() != null ? r.error() : "exit code " + r.exitCode() + tail();
      return finish(fail(stepName(e.index()) + why, TaskFailed.Cause.TASK));
    }
    if (e.index() == mainIndex) mainOutput = r.output() == null ? "" : r.output();
    if (e.index() + 1 < steps.size()) {
      startStep(e.index() + 1);
      return this;
    }
    pollProgress();
    return finish(new TaskCommand.Succeeded(work.attemptId(), mainOutput, Instant.now()));
  }

  private String tail() {
    synchronized (lastLines) {
      return lastLines.isEmpty() ? "" : ": " + String.join("\n", lastLines);
    }
  }

  private TaskCommand.Outcome fail(String error, TaskFailed.Cause cause) {
    return new TaskCommand.Failed(work.attemptId(), Redactor.redactValues(runtime.scrub(error), work.secretValues()), cause,
        Instant.now());
  }

  private Behavior<Command> finish(TaskCommand.Outcome outcome) {
    done = true;
    flush();
    worker.tell(new WorkerNode.RunnerDone(work.attemptId(), outcome, false));
    return Behaviors.stopped();
  }

  private void kill() {
    if (current != null) current.kill();
  }

  private void report(TaskCommand.FromWorker report) {
    worker.tell(new WorkerNode.RunnerReport(work.attemptId(), report));
  }

  private void pollProgress() {
    if (current == null) return;
    OptionalDouble p = current.progress();
    if (p.isPresent() && p.getAsDouble() != lastProgress) {
      lastProgress = p.getAsDouble();
      report(new TaskCommand.Progressed(work.attemptId(), Math.max(0, Math.min(100, lastProgress))));
    }
  }

  /** Ships what was printed since the last flush as one or more numbered parts. */
  private void flush() {
    StringBuilder sb = new StringBuilder();
    List<TaskLogStore.NewPart> parts = new ArrayList<>();
    String line;
    while ((line = notes.poll()) != null) append(line, sb, parts);
    while ((line = lines.poll()) != null) remember(append(line, sb, parts));
    if (sb.length() > 0) parts.add(part(sb.toString()));
    if (!parts.isEmpty()) worker.tell(new WorkerNode.ShipLogs(parts));
  }

  /** Adds {@code line}, redacted, to the part being built (starting a new part when full); returns it redacted. */
  private String append(String line, StringBuilder sb, List<TaskLogStore.NewPart> parts) {
    String redacted = Redactor.redactValues(line, work.secretValues());
    if (sb.length() + redacted.length() + 1 > MAX_PART_CHARS && sb.length() > 0) {
      parts.add(part(sb.toString()));
      sb.setLength(0);
    }
    sb.append(redacted.length() > MAX_PART_CHARS ? redacted.substring(0, MAX_PART_CHARS) : redacted).append('\n');
    return redacted;
  }

  private void remember(String line) {
    synchronized (lastLines) {
      lastLines.addLast(line);
      while (lastLines.size() > LAST_LINES) lastLines.removeFirst();
    }
  }

  private TaskLogStore.NewPart part(String contents) {
    Instant now = Instant.now();
    return new TaskLogStore.NewPart(Ids.newId(), work.jobId(), work.taskId(), work.position(), work.taskCreatedAt(),
        work.run(), ++partNumber, contents, now);
  }
}
