package io.jtork.spec;

/** Deletes a completed job after the Go duration {@code after}. */
public record AutoDeleteSpec(String after) {}
