package io.jtork.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
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

  public static Integer nonZero(int v) {
    return v == 0 ? null : v;
  }

  public static Double nonZero(double v) {
    return v == 0 ? null : v;
  }
}
