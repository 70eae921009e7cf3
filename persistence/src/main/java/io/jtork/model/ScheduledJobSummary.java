package io.jtork.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Tork's ScheduledJobSummary: what {@code POST /scheduled-jobs} answers and {@code GET /scheduled-jobs} lists. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ScheduledJobSummary(
    String id,
    UserRef createdBy,
    Map<String, String> inputs,
    ScheduledJobState state,
    String name,
    String description,
    List<String> tags,
    @JsonInclude(JsonInclude.Include.ALWAYS) Instant createdAt,
    String cron) {}
