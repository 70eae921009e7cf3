package io.jtork.runtime;

/** Receives a step's output, a line at a time (without the line break), from a runtime thread. */
@FunctionalInterface
public interface OutputSink {
  void line(String line);
}
