package io.jtork.runtime;

import java.util.List;

/** A way to run task steps: the host shell, Docker, Podman. */
public interface TaskRuntime extends AutoCloseable {

  /** {@code shell}, {@code docker}, {@code podman}: shown by {@code /health} and in task logs. */
  String name();

  /**
   * {@code error} without this node's own paths (its data and work directories), so that a task's
   * stored error does not show where the node keeps its files. Applied to every error a runtime
   * produces before it is stored.
   */
  default String scrub(String error) {
    return error;
  }

  /**
   * Lines for the task's log about what this runtime leaves out of {@code step} (the shell
   * runtime runs no image and confines nothing); none by default.
   */
  default List<String> notes(StepSpec step) {
    return List.of();
  }

  /**
   * Starts one step. Returns once it runs (or throws, and nothing is left behind). Output lines
   * go to {@code output} as they come, from a runtime thread.
   */
  RunningStep start(StepSpec step, OutputSink output) throws StepFailure;

  /**
   * The attempt has ended (all its steps ran, or it was killed): whatever it owned across
   * steps (volumes, sidecars) can go. Returns at once.
   */
  default void release(String attemptId) {}

  /** Whether the runtime can run steps now (for {@code /health}). */
  boolean isHealthy();

  @Override
  default void close() {}
}
