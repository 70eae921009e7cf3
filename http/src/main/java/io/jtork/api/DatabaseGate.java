package io.jtork.api;

import io.jtork.store.Database;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.LoggerFactory;

/**
 * Whether the database answered at the last check (one a second). While it does not, the API
 * answers 503 at once instead of letting each request wait for a pool or an entity to time out:
 * no request hangs during an outage, and none is half-done.
 */
final class DatabaseGate implements AutoCloseable {
  private final AtomicBoolean up = new AtomicBoolean(true);
  private final AtomicBoolean checking = new AtomicBoolean();
  private final Cancellable ticks;

  DatabaseGate(ActorSystem<?> system, Database database, Executor blocking, Duration every) {
    this.ticks = system.scheduler().scheduleWithFixedDelay(every, every, () -> {
      if (!checking.compareAndSet(false, true)) return;
      blocking.execute(() -> {
        try {
          boolean now = database.isHealthy();
          if (up.getAndSet(now) != now) {
            LoggerFactory.getLogger(DatabaseGate.class).warn(now
                ? "the database answers again; the API serves requests"
                : "the database does not answer; the API answers 503 until it does");
          }
        } finally {
          checking.set(false);
        }
      });
    }, system.executionContext());
  }

  boolean isUp() {
    return up.get();
  }

  @Override
  public void close() {
    ticks.cancel();
  }
}
