package io.jtork.event;

import io.jtork.model.Job;
import java.time.Instant;

/** Every task is done; {@code result} is the evaluated {@code output}. */
public record JobCompleted(String result, Instant deleteAt, Instant at) implements JobEvent {
  @Override
  public Job applyTo(Job job) {
    return job.completed(result, at, deleteAt);
  }

  @Override
  public String toString() {
    return "JobCompleted[at=" + at + "]";
  }
}
