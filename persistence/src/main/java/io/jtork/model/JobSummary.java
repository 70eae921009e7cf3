package io.jtork.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.jtork.redact.Redactor;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Tork's JobSummary: what {@code POST /jobs} answers and {@code GET /jobs} lists. Every field
 * but {@code position} and {@code createdAt} is omitted when empty, as in Tork.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record JobSummary(
    String id,
    UserRef createdBy,
    String parentId,
    Map<String, String> inputs,
    String name,
    String description,
    List<String> tags,
    JobState state,
    @JsonInclude(JsonInclude.Include.ALWAYS) Instant createdAt,
    Instant startedAt,
    Instant completedAt,
    Instant failedAt,
    @JsonInclude(JsonInclude.Include.ALWAYS) int position,
    Integer taskCount,
    String result,
    String error,
    Double progress,
    ScheduleRef schedule) {

  /** Tork's JobSummary of {@code j}, with secret keys and the job's secret values redacted. */
  public static JobSummary of(Job j, Redactor r) {
    return of(j, r, r.secretValues(j));
  }

  /** As above, with the job's redaction set already known ({@link Redactor#secretValues(Job)}). */
  public static JobSummary of(Job j, Redactor r, Collection<String> secrets) {
    var spec = j.spec();
    return new JobSummary(j.id(), j.createdBy(), j.parentId(), r.redactMap(spec.inputs(), secrets),
        Redactor.redactValues(spec.name(), secrets), spec.description(), spec.tags(), j.state(), j.createdAt(), j.startedAt(), j.completedAt(), j.failedAt(),
        j.position(), nonZero(j.taskCount()), Redactor.redactValues(j.result(), secrets),
        Redactor.redactValues(j.error(), secrets), nonZero(j.progress()), j.schedule());
  }

  public static Integer nonZero(int v) {
    return v == 0 ? null : v;
  }

  public static Double nonZero(double v) {
    return v == 0 ? null : v;
  }
}
