package io.jtork.event;

import io.jtork.model.Job;
import java.time.Instant;

/**
 * One attempt at a webhook call: the HTTP {@code status} it got (null when none), or the
 * {@code error}; {@code done} when the call leaves the outbox (delivered, refused for good, or
 * out of attempts). The job's history lists every attempt.
 */
public record WebhookAttempted(String callId, String url, int attempt, Integer status, String error, boolean done,
    Instant at) implements JobEvent {
  @Override
  public Job applyTo(Job job) {
    return job.withOutbox(job.outboxAfterAttempt(callId, done));
  }
}
