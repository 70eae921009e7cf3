package io.jtork.model;

/**
 * Tork's job states (reference/tork.md §3.3), plus {@code DELETED}, which no response shows: a
 * deleted job (auto-delete or retention) answers 404 everywhere but its journal, kept for audit.
 */
public enum JobState {
  PENDING, SCHEDULED, RUNNING, CANCELLED, COMPLETED, FAILED, DELETED;

  public boolean isTerminal() {
    return this == COMPLETED || this == FAILED || this == CANCELLED || this == DELETED;
  }

  /** A job that may still start tasks. */
  public boolean isActive() {
    return this == PENDING || this == SCHEDULED || this == RUNNING;
  }
}
