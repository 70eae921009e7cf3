package io.jtork.spec;

/** Makes {@code POST /jobs} block until the job ends or {@code timeout} (a Go duration) passes. */
public record WaitSpec(String timeout) {}
