package io.jtork.runtime.shell;

import java.io.IOException;
import java.io.InputStream;

/** The process of a shell step: one the JVM started itself, or one {@link Spawner} started. */
interface TaskProcess {
  long pid();

  /** Its stdout and stderr together, read by one thread. */
  InputStream output() throws IOException;

  /**
   * Waits for it to end; its exit code, 128 plus the signal's number when a signal ended it.
   *
   * @throws IOException when how it ended cannot be known (the spawner that started it stopped)
   */
  int waitFor() throws InterruptedException, IOException;

  /** SIGKILLs the process itself, if it is still running. */
  void destroyForcibly();

  /** A process the JVM started. */
  static TaskProcess of(Process p) {
    return new TaskProcess() {
      @Override
      public long pid() {
        return p.pid();
      }

      @Override
      public InputStream output() {
        return p.getInputStream();
      }

      @Override
      public int waitFor() throws InterruptedException {
        return p.waitFor();
      }

      @Override
      public void destroyForcibly() {
        p.destroyForcibly();
      }
    };
  }
}
