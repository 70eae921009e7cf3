package io.jtork.model;

/** Tork's scheduled-job states, plus DELETED, which no response shows (a deleted schedule is a 404). */
public enum ScheduledJobState {
  ACTIVE, PAUSED, DELETED
}
