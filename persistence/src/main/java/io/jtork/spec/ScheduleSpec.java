package io.jtork.spec;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * When a scheduled job fires: a cron expression. Accepted only by {@code POST /scheduled-jobs};
 * {@code POST /jobs} rejects it as an unknown field, as Tork does.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ScheduleSpec(String cron) {}
