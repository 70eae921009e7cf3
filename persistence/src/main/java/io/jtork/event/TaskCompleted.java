package io.jtork.event;

import io.jtork.model.Job;
import java.time.Instant;

/** A task finished successfully; {@code result} is what it wrote to {@code $TORK_OUTPUT}. */
public record TaskCompleted(String taskId, String result, Instant at) implements TaskEvent {
  @Override
  public Job applyTo(Job job) {
    return job.updateTask(taskId, t -> t.completed(result, at));
  }

  @Override
  public String toString() {
    return "TaskCompleted[taskId=" + taskId + "]";
  }
}
