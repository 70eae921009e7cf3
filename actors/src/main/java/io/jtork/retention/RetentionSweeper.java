package io.jtork.retention;

import io.jtork.cluster.Roles;
import io.jtork.job.JobClient;
import io.jtork.job.JobEntity;
import io.jtork.serialization.JtorkSerializable;
import io.jtork.store.JobReadModel;
import io.jtork.store.TaskLogStore;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.ShardedDaemonProcessSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ShardedDaemonProcess;

/**
 * Every {@code interval}: asks each job that is due for deletion (its {@code autoDelete} passed,
 * or finished longer ago than {@code jobs}) to delete itself, which journals {@code JobDeleted}
 * (the read side then drops its rows and logs), and deletes log parts older than {@code logs}.
 * Runs as a sharded daemon process: one instance in the cluster. The read model tells it which
 * jobs are due; a job it asks twice (before the projection has caught up) answers 404, harmlessly.
 */
public final class RetentionSweeper {
  /** @param jobs how long finished jobs are kept (null: forever); @param logs the same for log parts */
  public record Settings(Duration interval, Duration jobs, Duration logs, int batch) {}

  private interface Command extends JtorkSerializable {}

  private record Sweep() implements Command {}

  private record Swept(int jobs, int logParts, String error) implements Command {}

  private record Found(int logParts, List<String> due) {}

  private RetentionSweeper() {}

  public static void init(ActorSystem<?> system, Settings settings, JobReadModel jobsModel, TaskLogStore logs,
      JobClient jobs, Executor blocking) {
    ShardedDaemonProcess.get(system).init(Command.class, "retention-sweeper", 1,
        i -> create(settings, jobsModel, logs, jobs, blocking), ShardedDaemonProcessSettings.create(system).withRole(Roles.COORDINATOR),
        Optional.empty());
  }

  static Behavior<Command> create(Settings settings, JobReadModel jobsModel, TaskLogStore logs, JobClient jobs,
      Executor blocking) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      timers.startSingleTimer(new Sweep(), settings.interval());
      return Behaviors.receive(Command.class)
          .onMessage(Sweep.class, s -> {
            ctx.pipeToSelf(sweep(settings, jobsModel, logs, jobs, blocking), (r, e) -> e == null ? r
                : new Swept(0, 0, e.toString()));
            return Behaviors.same();
          })
          .onMessage(Swept.class, r -> {
            if (r.error() != null) ctx.getLog().warn("retention sweep failed: {}", r.error());
            else if (r.jobs() > 0 || r.logParts() > 0) {
              ctx.getLog().info("retention: deleted {} job(s) and {} log part(s)", r.jobs(), r.logParts());
            }
            timers.startSingleTimer(new Sweep(), settings.interval());
            return Behaviors.same();
          })
          .build();
    }));
  }

  private static CompletableFuture<Swept> sweep(Settings settings, JobReadModel jobsModel, TaskLogStore logs,
      JobClient jobs, Executor blocking) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        Instant now = Instant.now();
        int parts = settings.logs() == null ? 0 : logs.deleteOlderThan(now.minus(settings.logs()));
        List<String> due = jobsModel.dueForDeletion(now, settings.jobs() == null ? null : now.minus(settings.jobs()),
            settings.batch());
        return new Found(parts, due);
      } catch (SQLException e) {
        throw new CompletionException(e);
      }
    }, blocking).thenCompose(result -> {
      List<CompletableFuture<Boolean>> deletions = new ArrayList<>();
      for (String id : result.due()) {
        deletions.add(jobs.delete(id, "retention", null).toCompletableFuture()
            .handle((reply, e) -> e == null && reply instanceof JobEntity.Ok));
      }
      return CompletableFuture.allOf(deletions.toArray(CompletableFuture[]::new)).thenApply(x ->
          new Swept((int) deletions.stream().filter(CompletableFuture::join).count(), result.logParts(), null));
    });
  }
}
