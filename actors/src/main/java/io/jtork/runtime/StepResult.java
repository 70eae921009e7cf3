package io.jtork.runtime;

/**
 * How a step ended: its exit code, what it wrote to {@code $TORK_OUTPUT}, or why it could not
 * run to an exit code ({@code error}, with {@code exitCode} -1).
 */
public record StepResult(int exitCode, String output, String error) {
  public static StepResult exited(int code, String output) {
    return new StepResult(code, output, null);
  }

  public static StepResult failed(String error) {
    return new StepResult(-1, null, error);
  }

  public boolean succeeded() {
    return error == null && exitCode == 0;
  }
}
