package io.jtork.spec;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Values applied to a job's regular tasks where the task leaves them empty. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record DefaultsSpec(RetrySpec retry, LimitsSpec limits, String timeout, String queue, Integer priority) {}
