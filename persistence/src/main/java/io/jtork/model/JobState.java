package io.jtork.model;

/** Tork's job states (reference/tork.md §3.3). */
public enum JobState {
  PENDING, SCHEDULED, RUNNING, CANCELLED, COMPLETED, FAILED;

  public boolean isTerminal() {
    return this == COMPLETED || this == FAILED || this == CANCELLED;
  }

  /** A job that may still start tasks. */
  public boolean isActive() {
    return this == PENDING || this == SCHEDULED || this == RUNNING;
  }
}
