package io.jtork.spec;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Grants access to a job to exactly one user or one role. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record PermissionSpec(String role, String user) {}
