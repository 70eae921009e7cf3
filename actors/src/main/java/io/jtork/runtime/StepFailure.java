package io.jtork.runtime;

/** A step could not be started; the message is what the task's error will say. */
public final class StepFailure extends Exception {
  public StepFailure(String message) {
    super(message, null, false, false);
  }

  public StepFailure(String message, Throwable cause) {
    super(message, cause);
  }
}
