package io.jtork.job;

import io.jtork.dispatch.TaskCommand;
import io.jtork.event.TaskFailed;
import io.jtork.model.Job;
import io.jtork.model.JobState;
import io.jtork.model.UserRef;
import io.jtork.spec.JobSpec;
import java.time.Duration;
import java.time.Instant;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * Runs a {@code subjob} task: submits the child job (under an id derived from the run, so that
 * a parent that recovers and spawns this again finds the same child), then waits for it to end
 * and reports its result or error as the run's outcome. A detached child is reported done as
 * soon as it is accepted. Cancelling the run cancels an attached child.
 */
final class SubJobActor {
  private record Accepted(JobEntity.Reply reply) implements TaskCommand {}

  private record Ended(JobEntity.Reply reply) implements TaskCommand {}

  private record AskAgain() implements TaskCommand {}

  private final ActorContext<TaskCommand> ctx;
  private final EntityRef<JobEntity.Command> child;
  private final ActorRef<JobEntity.Command> parent;
  private final String taskId;
  private final int run;
  private final boolean detached;

  static Behavior<TaskCommand> create(String childId, JobSpec childSpec, String parentTaskId, UserRef createdBy,
      boolean detached, ActorRef<JobEntity.Command> parent, String taskId, int run) {
    return Behaviors.setup(ctx -> {
      SubJobActor a = new SubJobActor(ctx, ClusterSharding.get(ctx.getSystem()).entityRefFor(JobEntity.TYPE_KEY, childId),
          parent, taskId, run, detached);
      ActorRef<JobEntity.Reply> accepted = ctx.messageAdapter(JobEntity.Reply.class, Accepted::new);
      a.child.tell(new JobEntity.Submit(childSpec, createdBy, detached ? null : parentTaskId, null, accepted));
      return a.submitting();
    });
  }

  private SubJobActor(ActorContext<TaskCommand> ctx, EntityRef<JobEntity.Command> child,
      ActorRef<JobEntity.Command> parent, String taskId, int run, boolean detached) {
    this.ctx = ctx;
    this.child = child;
    this.parent = parent;
    this.taskId = taskId;
    this.run = run;
    this.detached = detached;
  }

  private Behavior<TaskCommand> submitting() {
    return Behaviors.receive(TaskCommand.class)
        .onMessage(Accepted.class, a -> {
          if (!(a.reply() instanceof JobEntity.Ok)) {
            parent.tell(new TaskReport.RunFailed(taskId, run, "the subjob was not accepted: " + a.reply(),
                TaskFailed.Cause.SUBJOB, Instant.now()));
            return Behaviors.stopped();
          }
          if (detached) {
            parent.tell(new TaskReport.RunSucceeded(taskId, run, null, Instant.now()));
            return Behaviors.stopped();
          }
          return awaiting();
        })
        .onMessage(TaskActor.Cancel.class, c -> {
          if (!detached) child.tell(new JobEntity.Cancel("parent task cancelled", ctx.getSystem().ignoreRef()));
          return Behaviors.stopped();
        })
        .build();
  }

  /** Waits for the child to end; asks again now and then, since a waiter does not survive the child moving. */
  private Behavior<TaskCommand> awaiting() {
    ActorRef<JobEntity.Reply> ended = ctx.messageAdapter(JobEntity.Reply.class, Ended::new);
    child.tell(new JobEntity.AwaitEnd(ended));
    return Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(new AskAgain(), Duration.ofSeconds(30));
      return Behaviors.receive(TaskCommand.class)
          .onMessage(AskAgain.class, a -> {
            child.tell(new JobEntity.AwaitEnd(ended));
            return Behaviors.same();
          })
          .onMessage(Ended.class, e -> {
            if (!(e.reply() instanceof JobEntity.Ok ok) || !ok.job().state().isTerminal()) return Behaviors.same();
            Job j = ok.job();
            if (j.state() == JobState.COMPLETED) {
              parent.tell(new TaskReport.RunSucceeded(taskId, run, j.result(), Instant.now()));
            } else {
              String why = j.state() == JobState.CANCELLED ? "the subjob was cancelled"
                  : j.error() == null ? "the subjob failed" : j.error();
              parent.tell(new TaskReport.RunFailed(taskId, run, why, TaskFailed.Cause.SUBJOB, Instant.now()));
            }
            return Behaviors.stopped();
          })
          .onMessage(TaskActor.Cancel.class, c -> {
            child.tell(new JobEntity.Cancel("parent task cancelled", ctx.getSystem().ignoreRef()));
            return Behaviors.stopped();
          })
          .build();
    });
  }
}
