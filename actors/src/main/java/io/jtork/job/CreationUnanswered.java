package io.jtork.job;

import java.util.concurrent.TimeoutException;

/**
 * A creation under a new id, sent without an {@code Idempotency-Key}, that its entity did not
 * answer in time. Unlike any other request that times out, sending it again is not safe: the
 * entity may still take the first one (it only answered late), and the second would make another
 * job. So the caller is told the id, to look the first one up, instead of to try again.
 */
public final class CreationUnanswered extends TimeoutException {
  private final String what;
  private final String id;

  /** {@code what}: "job" or "scheduled job"; {@code cause}: the ask's own timeout. */
  public CreationUnanswered(String what, String id, Throwable cause) {
    super("the " + what + " " + id + " did not answer its creation in time");
    this.what = what;
    this.id = id;
    initCause(cause);
  }

  public String what() {
    return what;
  }

  public String id() {
    return id;
  }
}
