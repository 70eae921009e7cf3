package io.jtork.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A composite task that runs {@code task} once per element of the list that {@code list}
 * evaluates to; {@code var} names the item (default {@code item}).
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record EachSpec(String list, @JsonProperty("var") String var,
    Integer concurrency, TaskSpec task) {}
