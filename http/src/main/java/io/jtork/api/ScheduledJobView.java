package io.jtork.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.jtork.model.ScheduledJob;
import io.jtork.model.ScheduledJobState;
import io.jtork.model.ScheduledJobSummary;
import io.jtork.model.UserRef;
import io.jtork.redact.Redactor;
import io.jtork.spec.AutoDeleteSpec;
import io.jtork.spec.DefaultsSpec;
import io.jtork.spec.PermissionSpec;
import io.jtork.spec.WebhookSpec;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Tork's ScheduledJob JSON ({@code GET /scheduled-jobs/{id}}), redacted as every other response
 * (Tork returns this one unredacted). Beyond Tork: the schedule's {@code timezone},
 * {@code catchUp} and {@code overlap} when given, when it fires next and when it last fired.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ScheduledJobView(
    String id,
    String name,
    String description,
    String cron,
    String timezone,
    String catchUp,
    String overlap,
    ScheduledJobState state,
    Map<String, String> inputs,
    List<TaskView> tasks,
    UserRef createdBy,
    DefaultsSpec defaults,
    AutoDeleteSpec autoDelete,
    List<WebhookSpec> webhooks,
    List<PermissionSpec> permissions,
    @JsonInclude(JsonInclude.Include.ALWAYS) Instant createdAt,
    List<String> tags,
    Map<String, String> secrets,
    String output,
    Instant nextFireTime,
    Instant lastFireTime) {

  static ScheduledJobView of(ScheduledJob s, Instant next, Redactor r) {
    var spec = s.spec();
    Collection<String> secrets = r.secretValues(spec.secrets(), spec.inputs());
    var schedule = spec.schedule();
    return new ScheduledJobView(s.id(), spec.name(), spec.description(), schedule.cron(), schedule.timezone(),
        schedule.catchUp(), schedule.overlap(), s.state(), r.redactMap(spec.inputs(), secrets),
        spec.tasks().stream().map(t -> TaskView.of(t, r, secrets)).toList(), s.createdBy(), spec.defaults(),
        spec.autoDelete(), TaskView.webhooks(spec.webhooks(), r, secrets), spec.permissions(), s.createdAt(),
        spec.tags(), Redactor.redactAll(spec.secrets()), spec.output(), next, s.lastFireTime());
  }

  /** Tork's ScheduledJobSummary, redacted. */
  static ScheduledJobSummary summary(ScheduledJob s, Redactor r) {
    var spec = s.spec();
    return new ScheduledJobSummary(s.id(), s.createdBy(), r.redactMap(spec.inputs(), r.secretValues(spec.secrets(), spec.inputs())),
        s.state(), spec.name(), spec.description(), spec.tags(), s.createdAt(), spec.schedule().cron());
  }
}
