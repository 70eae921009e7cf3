package io.jtork.event;

import io.jtork.model.Job;
import java.time.Instant;

/** Run {@code run} of a task started on worker node {@code nodeId}. */
public record TaskStarted(String taskId, int run, String nodeId, String workerAddress, Instant at)
    implements TaskEvent {
  @Override
  public Job applyTo(Job job) {
    return job.updateTask(taskId, t -> t.started(run, nodeId, workerAddress, at));
  }
}
