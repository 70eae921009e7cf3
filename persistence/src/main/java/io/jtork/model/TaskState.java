package io.jtork.model;

/** Tork's task states. {@code STOPPED} exists in Tork but is never used; it is kept for compatibility. */
public enum TaskState {
  CREATED, PENDING, SCHEDULED, RUNNING, CANCELLED, STOPPED, COMPLETED, FAILED, SKIPPED;

  /** Tork's active states: the task has not ended. */
  public boolean isActive() {
    return this == CREATED || this == PENDING || this == SCHEDULED || this == RUNNING;
  }
}
