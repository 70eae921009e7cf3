package io.jtork.logs;

import io.jtork.serialization.JtorkSerializable;
import io.jtork.store.TaskLogStore;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * Collects log parts from workers and appends them to the database in batches, one write at a
 * time. A failed write is retried with the next batch; parts beyond {@code maxBuffered} are
 * dropped with a warning rather than exhausting memory while the database is away.
 */
public final class TaskLogWriter {
  public static final ServiceKey<Command> KEY = ServiceKey.create(Command.class, "jtork-task-log-writer");
  private static final int MAX_BATCH = 500;

  public interface Command extends JtorkSerializable {}

  /** Parts from a worker, in order. */
  public record Append(List<TaskLogStore.NewPart> parts) implements Command {
    @Override
    public String toString() {
      return "Append[" + parts.size() + " parts]";
    }
  }

  private record Flush() implements Command {}

  private record Written(int count, String error) implements Command {}

  private final ActorContext<Command> ctx;
  private final TaskLogStore store;
  private final Executor blocking;
  private final int maxBuffered;
  private final List<TaskLogStore.NewPart> buffer = new ArrayList<>();
  private boolean writing;

  public static Behavior<Command> create(TaskLogStore store, int maxBuffered) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      ctx.getSystem().receptionist().tell(Receptionist.register(KEY, ctx.getSelf()));
      return new TaskLogWriter(ctx, timers, store, maxBuffered).behavior();
    }));
  }

  private TaskLogWriter(ActorContext<Command> ctx, TimerScheduler<Command> timers, TaskLogStore store,
      int maxBuffered) {
    this.ctx = ctx;
    this.store = store;
    this.maxBuffered = maxBuffered;
    this.blocking = ctx.getSystem().dispatchers().lookup(DispatcherSelector.fromConfig("jtork.blocking-dispatcher"));
    timers.startTimerWithFixedDelay(new Flush(), Duration.ofMillis(100));
  }

  private Behavior<Command> behavior() {
    return Behaviors.receive(Command.class)
        .onMessage(Append.class, a -> {
          int room = maxBuffered - buffer.size();
          if (a.parts().size() > room) {
            ctx.getLog().warn("task log buffer full ({} parts); dropping {} parts", maxBuffered, a.parts().size() - room);
          }
          buffer.addAll(a.parts().subList(0, Math.max(0, Math.min(room, a.parts().size()))));
          if (buffer.size() >= MAX_BATCH) write();
          return Behaviors.same();
        })
        .onMessage(Flush.class, f -> {
          write();
          return Behaviors.same();
        })
        .onMessage(Written.class, w -> {
          writing = false;
          if (w.error() == null) {
            buffer.subList(0, w.count()).clear();
          } else {
            ctx.getLog().warn("could not write {} task log parts, will retry: {}", w.count(), w.error());
          }
          return Behaviors.same();
        })
        .build();
  }

  private void write() {
    if (writing || buffer.isEmpty()) return;
    writing = true;
    List<TaskLogStore.NewPart> batch = List.copyOf(buffer.subList(0, Math.min(MAX_BATCH, buffer.size())));
    ctx.pipeToSelf(CompletableFuture.runAsync(() -> {
      try {
        store.append(batch);
      } catch (SQLException e) {
        throw new CompletionException(e);
      }
    }, blocking), (ok, err) -> new Written(batch.size(), err == null ? null : String.valueOf(err.getCause())));
  }
}
