package io.jtork.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.jtork.model.Job;
import io.jtork.model.JobState;
import io.jtork.model.JobSummary;
import io.jtork.model.ScheduleRef;
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
 * Tork's Job JSON ({@code GET /jobs/{id}}, and {@code POST /jobs} with {@code wait}): the summary
 * fields plus the task definitions, every execution, the context and the rest of the spec.
 * {@code position}, {@code createdAt}, {@code tasks} and {@code execution} are always present.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record JobView(
    String id,
    String parentId,
    String name,
    String description,
    List<String> tags,
    JobState state,
    @JsonInclude(JsonInclude.Include.ALWAYS) Instant createdAt,
    UserRef createdBy,
    Instant startedAt,
    Instant completedAt,
    Instant failedAt,
    @JsonInclude(JsonInclude.Include.ALWAYS) List<TaskView> tasks,
    @JsonInclude(JsonInclude.Include.ALWAYS) List<TaskView> execution,
    @JsonInclude(JsonInclude.Include.ALWAYS) int position,
    Map<String, String> inputs,
    ContextView context,
    Integer taskCount,
    String output,
    String result,
    String error,
    DefaultsSpec defaults,
    List<WebhookSpec> webhooks,
    List<PermissionSpec> permissions,
    AutoDeleteSpec autoDelete,
    Instant deleteAt,
    Map<String, String> secrets,
    Double progress,
    ScheduleRef schedule) {

  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record ContextView(Map<String, String> job, Map<String, String> inputs, Map<String, String> secrets,
      Map<String, String> tasks) {}

  static JobView of(Job j, Redactor r) {
    return of(j, r, r.secretValues(j));
  }

  /** The job, redacted with {@code secrets} (for a past state: the set of the job as it is now, which holds more). */
  static JobView of(Job j, Redactor r, Collection<String> secrets) {
    var spec = j.spec();
    return new JobView(
        j.id(), j.parentId(), Redactor.redactValues(spec.name(), secrets), spec.description(), spec.tags(), j.state(), j.createdAt(), j.createdBy(),
        j.startedAt(), j.completedAt(), j.failedAt(),
        spec.tasks().stream().map(t -> TaskView.of(t, r, secrets)).toList(),
        j.execution().stream().map(t -> TaskView.of(t, j, r, secrets)).toList(),
        j.position(),
        r.redactMap(spec.inputs(), secrets),
        new ContextView(j.context().job(), r.redactMap(j.context().inputs(), secrets),
            Redactor.redactAll(j.context().secrets()), r.redactMap(j.context().tasks(), secrets)),
        JobSummary.nonZero(j.taskCount()),
        Redactor.redactValues(spec.output(), secrets),
        Redactor.redactValues(j.result(), secrets),
        Redactor.redactValues(j.error(), secrets),
        spec.defaults(),
        TaskView.webhooks(spec.webhooks(), r, secrets),
        spec.permissions(),
        spec.autoDelete(),
        j.deleteAt(),
        Redactor.redactAll(spec.secrets()),
        JobSummary.nonZero(j.progress()),
        j.schedule());
  }

  /** Tork's JobSummary of a job, redacted. */
  static JobSummary summary(Job j, Redactor r) {
    return JobSummary.of(j, r);
  }
}
