package io.jtork.job;

import io.jtork.expr.ExpressionException;
import io.jtork.model.Job;
import io.jtork.model.WebhookCall;
import io.jtork.webhook.WebhookSender;
import io.jtork.webhook.Webhooks;
import java.util.List;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * Sends a job's journaled webhook calls, one at a time in the order queued. The outcome of each
 * attempt comes back to the entity as {@link AttemptDone}, which the {@link JobDecider} turns
 * into a {@code WebhookAttempted} event and, if it must be tried again, a {@link Retry} later.
 */
final class WebhookOutbox {
  /** The outcome of an attempt at the outbox's first call. */
  record AttemptDone(String callId, String url, Integer status, String error, boolean retryable)
      implements JobEntity.Command {}

  /** Time to try the outbox's first call again. */
  record Retry() implements JobEntity.Command {}

  private static final String TIMER = "webhook-retry";

  private final ActorContext<JobEntity.Command> ctx;
  private final TimerScheduler<JobEntity.Command> timers;
  private final Webhooks webhooks;
  private final WebhookSender sender;
  private final JobDecider decider;
  /** The call being attempted, if any. */
  private String delivering;
  /** The call that was first in the outbox when the entity recovered: it may have been sent. */
  private String possiblySent;

  WebhookOutbox(ActorContext<JobEntity.Command> ctx, TimerScheduler<JobEntity.Command> timers, Webhooks webhooks,
      WebhookSender sender, JobDecider decider) {
    this.ctx = ctx;
    this.timers = timers;
    this.webhooks = webhooks;
    this.sender = sender;
    this.decider = decider;
  }

  /** After a recovery: the first call may have gone out just before the node stopped, and says so if sent again. */
  void recovered(Job state) {
    delivering = null;
    if (state.outbox().isEmpty()) return;
    possiblySent = state.outbox().get(0).id();
    deliverNext(state);
  }

  /** Attempts the outbox's first call unless one is under way or waiting for its retry. */
  void deliverNext(Job state) {
    if (delivering != null || state.outbox().isEmpty() || timers.isTimerActive(TIMER)) return;
    WebhookCall call = state.outbox().get(0);
    delivering = call.id();
    Webhooks.Request request;
    try {
      request = webhooks.request(state, call);
    } catch (ExpressionException e) {
      ctx.getSelf().tell(new AttemptDone(call.id(), null, null, "the webhook's url or headers could not be"
          + " evaluated: " + decider.redact(e.getMessage(), state), false));
      return;
    }
    String url = decider.redact(request.url(), state);
    ctx.pipeToSelf(sender.send(request, call.id(), call.id().equals(possiblySent)),
        (outcome, error) -> error != null
            ? new AttemptDone(call.id(), url, null, error.toString(), true)
            : new AttemptDone(call.id(), url, outcome.status(), outcome.error(), outcome.retryable()));
  }

  /** The attempt under way has ended. */
  void attemptEnded() {
    delivering = null;
  }

  /**
   * An attempt's outcome is journaled: its retry is timed when the decision says so, otherwise
   * the next call goes. Returns whether a retry is pending.
   */
  boolean attempted(Job state, List<JobDecider.Effect> effects) {
    for (JobDecider.Effect e : effects) {
      if (e instanceof JobDecider.RetryWebhook r) {
        timers.startSingleTimer(TIMER, new Retry(), r.after());
        return true;
      }
    }
    deliverNext(state);
    return false;
  }
}
