package io.jtork.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/** Who created a job, in Tork's {@code createdBy} shape. Without auth every job is the guest's. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record UserRef(String id, String name, String username, Instant createdAt, boolean disabled) {
  /** Tork seeds a disabled guest user; jobs submitted without auth belong to it. */
  public static final UserRef GUEST = new UserRef("5f2d3c1a9b8e4d7c6a5b4c3d2e1f0a9b", "Guest", "guest",
      Instant.parse("2024-01-01T00:00:00Z"), true);
}
