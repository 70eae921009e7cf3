package io.jtork.event;

import io.jtork.model.Job;
import io.jtork.model.Task;
import java.time.Instant;

/** A task execution was created from its spec (templates evaluated) and queued. */
public record TaskCreated(Task task) implements JobEvent {
  @Override
  public Instant at() {
    return task.createdAt();
  }

  @Override
  public Job applyTo(Job job) {
    return job.withTask(task);
  }
}
