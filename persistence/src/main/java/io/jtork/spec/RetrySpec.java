package io.jtork.spec;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Retries of a failed task. Tork accepts only {@code limit}; its documentation also shows
 * {@code initialDelay} and {@code scalingFactor}, which jtork accepts too.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RetrySpec(Integer limit, String initialDelay, Double scalingFactor) {
  public static RetrySpec ofLimit(int limit) {
    return new RetrySpec(limit, null, null);
  }
}
