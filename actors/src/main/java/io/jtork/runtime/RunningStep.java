package io.jtork.runtime;

import java.util.OptionalDouble;
import java.util.concurrent.CompletionStage;

/** A step that is running. */
public interface RunningStep {

  /** Completes when the step has exited and its output has been read; never completes exceptionally. */
  CompletionStage<StepResult> completion();

  /** The number last written to {@code $TORK_PROGRESS}, if any. */
  OptionalDouble progress();

  /** Kills the step and everything it started. Idempotent; returns without waiting for the exit. */
  void kill();
}
