package io.jtork.event;

import io.jtork.model.Job;
import io.jtork.model.WebhookCall;
import java.time.Instant;

/** A state change or progress of the job or one of its tasks owes a webhook this call. */
public record WebhookQueued(WebhookCall call, Instant at) implements JobEvent {
  @Override
  public Job applyTo(Job job) {
    return job.withOutbox(job.outboxWith(call));
  }
}
