package io.jtork.runtime;

import java.util.OptionalDouble;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A step's {@code $TORK_PROGRESS} as {@link RunningStep#progress()} answers it: the last value
 * read, at once, while a new read runs in the background, never more than one at a time. A read
 * may be slow (a container's file copied out through the daemon) or never end (a pipe a task put
 * there), and the worker asks from its actor's thread.
 */
public final class LastProgress {
  /** Reads the file's text; null when there is none yet. */
  public interface Reader {
    String read() throws Exception;
  }

  private final AtomicBoolean reading = new AtomicBoolean();
  private volatile OptionalDouble last = OptionalDouble.empty();

  /** The last value; starts a read on {@code io} if the step still runs and none is under way. */
  public OptionalDouble poll(boolean running, Executor io, Reader reader) {
    if (running && reading.compareAndSet(false, true)) {
      io.execute(() -> {
        try {
          String s = reader.read();
          if (s != null && !s.isBlank()) last = OptionalDouble.of(Double.parseDouble(s.trim()));
        } catch (Exception e) {
          // not written yet, not a number, not a regular file, or the step is gone
        } finally {
          reading.set(false);
        }
      });
    }
    return last;
  }
}
