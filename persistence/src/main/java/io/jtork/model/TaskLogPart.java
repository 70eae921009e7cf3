package io.jtork.model;

import java.time.Instant;

/** About a second of a task's output: Tork's TaskLogPart. {@code number} starts at 1 for each run. */
public record TaskLogPart(String id, int number, String taskId, String contents, Instant createdAt) {}
