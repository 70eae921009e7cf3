package io.jtork.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.jtork.redact.Redactor;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

/** Tork's TaskSummary, the payload of task webhooks. Every field is omitted when empty. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record TaskSummary(
    String id,
    String jobId,
    Integer position,
    Double progress,
    String name,
    String description,
    TaskState state,
    Instant createdAt,
    Instant scheduledAt,
    Instant startedAt,
    Instant completedAt,
    String error,
    String result,
    String var,
    List<String> tags) {

  /** The summary of {@code t}, with the job's secret values redacted. */
  public static TaskSummary of(Task t, Collection<String> secrets) {
    var spec = t.spec();
    return new TaskSummary(t.id(), t.jobId(), t.position() == 0 ? null : t.position(), JobSummary.nonZero(t.progress()),
        Redactor.redactValues(spec.name(), secrets), Redactor.redactValues(spec.description(), secrets), t.state(), t.createdAt(), t.scheduledAt(),
        t.startedAt(), t.completedAt(), Redactor.redactValues(t.error(), secrets),
        Redactor.redactValues(t.result(), secrets), spec.var(), spec.tags());
  }
}
