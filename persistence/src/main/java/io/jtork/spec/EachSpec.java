package io.jtork.spec;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A composite task that runs {@code task} once per element of the list that {@code list}
 * evaluates to; {@code var} names the item (default {@code item}).
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record EachSpec(String list, @com.fasterxml.jackson.annotation.JsonProperty("var") String var,
    Integer concurrency, TaskSpec task) {}
