/**
 * Webhooks: {@link io.jtork.webhook.Webhooks} decides which calls a job's change owes (event
 * type, {@code if}) and renders their redacted payloads; {@link io.jtork.webhook.WebhookSender}
 * makes one HTTP attempt (5 s timeout, address deny-list). The job entity queues the calls in
 * its journal (an outbox) and drives the attempts, so a crash loses none.
 */
package io.jtork.webhook;
