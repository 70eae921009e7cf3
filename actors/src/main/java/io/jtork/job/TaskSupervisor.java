package io.jtork.job;

import io.jtork.dispatch.TaskCommand;
import io.jtork.dispatch.TaskWork;
import io.jtork.model.Job;
import io.jtork.model.Task;
import io.jtork.model.TaskState;
import io.jtork.spec.GoDuration;
import io.jtork.spec.JobSpec;
import io.jtork.spec.TaskSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

/**
 * A job entity's children that run its tasks: one {@link TaskActor} per queued or running run,
 * one {@link SubJobActor} per running {@code subjob}, the {@link ReportBuffer} through which
 * they all report, and the children of each {@code each}, created in their turn. {@link #reconcile} makes them match the journal after every write and after
 * a recovery.
 */
final class TaskSupervisor {
  /** A child stopped (its run ended, or it was cancelled). */
  record TaskActorStopped(String attemptId) implements JobEntity.Command {}

  private final String jobId;
  private final ActorContext<JobEntity.Command> ctx;
  private final TaskActor.Settings settings;
  private final JobDecider decider;
  private final Map<String, ActorRef<TaskCommand>> taskActors = new HashMap<>();
  /** Where this job's task actors send their reports, to reach the entity in batches. */
  private ActorRef<JobEntity.Command> reports;
  /** The {@code each} executions a {@link JobEntity.GrowEach} was sent for and not handled yet. */
  private final Set<String> growing = new HashSet<>();

  TaskSupervisor(String jobId, ActorContext<JobEntity.Command> ctx, TaskActor.Settings settings, JobDecider decider) {
    this.jobId = jobId;
    this.ctx = ctx;
    this.settings = settings;
    this.decider = decider;
  }

  /** After a restart on a failed write the entity survives but its children do not: forget them. */
  void forgetChildren() {
    taskActors.clear();
    reports = null;
    growing.clear();
  }

  /**
   * Each {@code each} with items left and room for them grows in a command of its own
   * ({@link JobEntity.GrowEach}), so that the entity answers other commands in between.
   */
  void growEachesLater(Job state) {
    for (String taskId : decider.eachesToGrow(state)) {
      if (growing.add(taskId)) ctx.getSelf().tell(new JobEntity.GrowEach(taskId));
    }
  }

  /** The entity handles {@code grow}. */
  void growing(JobEntity.GrowEach grow) {
    growing.remove(grow.taskId());
  }

  void stopped(TaskActorStopped s) {
    taskActors.remove(s.attemptId());
  }

  /**
   * Makes the running task actors match the journal: one per queued or running task run, and
   * none for a task that was cancelled. {@code recovering} tells the new ones to find their runs
   * on the workers first.
   */
  void reconcile(Job state, boolean recovering) {
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
        actor = ctx.spawn(TaskActor.create(work(state, t), reports(), settings, recovery), "task-" + t.attemptId());
      }
      ctx.watchWith(actor, new TaskActorStopped(t.attemptId()));
      taskActors.put(t.attemptId(), actor);
    }
  }

  private ActorRef<JobEntity.Command> reports() {
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
    String childId = t.subJobId();
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
        List.copyOf(decider.secretValues(job)), notBefore);
  }
}
