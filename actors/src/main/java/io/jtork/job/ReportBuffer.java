package io.jtork.job;

import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Between a job's task actors and its entity: passes the first report on at once and gathers
 * the ones that come while the entity journals it, to hand them over as one batch when the
 * entity says it is done. Idle, it adds no delay; busy, it turns many writes into one.
 */
final class ReportBuffer {
  /** The entity journaled the last batch. */
  record Flushed() implements JobEntity.Command, NoSerializationVerificationNeeded {}

  /** Reports that must be journaled in one write (a run's start held back, and its end). */
  record Together(List<TaskReport> reports) implements JobEntity.Command, NoSerializationVerificationNeeded {}

  private ReportBuffer() {}

  static Behavior<JobEntity.Command> create(ActorRef<JobEntity.Command> entity) {
    return Behaviors.setup(ctx -> idle(entity, ctx.getSelf()));
  }

  private static Behavior<JobEntity.Command> idle(ActorRef<JobEntity.Command> entity, ActorRef<JobEntity.Command> self) {
    return Behaviors.receive(JobEntity.Command.class)
        .onMessage(Flushed.class, f -> Behaviors.same())
        .onMessage(TaskReport.class, report -> send(entity, self, List.of(report)))
        .onMessage(Together.class, t -> send(entity, self, t.reports()))
        .build();
  }

  /** Hands {@code reports} to the entity as one batch and gathers what comes until it has journaled them. */
  private static Behavior<JobEntity.Command> send(ActorRef<JobEntity.Command> entity, ActorRef<JobEntity.Command> self,
      List<TaskReport> reports) {
    entity.tell(new JobEntity.Reports(reports, self));
    return busy(entity, self, new ArrayList<>());
  }

  private static Behavior<JobEntity.Command> busy(ActorRef<JobEntity.Command> entity, ActorRef<JobEntity.Command> self,
      List<TaskReport> pending) {
    return Behaviors.receive(JobEntity.Command.class)
        .onMessage(Flushed.class, f -> pending.isEmpty() ? idle(entity, self) : send(entity, self, List.copyOf(pending)))
        .onMessage(TaskReport.class, report -> {
          pending.add(report);
          return Behaviors.same();
        })
        .onMessage(Together.class, t -> {
          pending.addAll(t.reports());
          return Behaviors.same();
        })
        .build();
  }
}
