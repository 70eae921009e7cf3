package io.jtork.model;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A webhook call a job owes: queued in the same write as the event that caused it, so a crash
 * cannot lose it, and kept in the job's outbox until it is delivered or given up.
 *
 * @param id {@code <job id>-<n>}, unique per job; sent as the {@code X-Jtork-Delivery} header so
 *     that a receiver can recognise a call repeated after a crash
 * @param webhook the index of the webhook in the job's {@code webhooks}
 * @param event {@code job.StateChange}, {@code job.Progress}, {@code task.StateChange} or
 *     {@code task.Progress}
 * @param payload the JSON body (a JobSummary or TaskSummary), already redacted
 * @param attempts attempts made so far
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WebhookCall(String id, int webhook, String event, String payload, int attempts) {
  public WebhookCall attempted() {
    return new WebhookCall(id, webhook, event, payload, attempts + 1);
  }

  @Override
  public String toString() {
    return "WebhookCall[" + id + ", " + event + ", attempts=" + attempts + "]";
  }
}
