package io.jtork.spec;

/**
 * One problem with a submitted spec: the path of the field in Tork's notation
 * ({@code tasks[0].retry.limit}, empty for the whole document) and what is wrong with it.
 */
public record SpecError(String path, String message) {
  @Override
  public String toString() {
    return path.isEmpty() ? message : path + ": " + message;
  }
}
