package io.jtork.spec;

import java.util.List;
import java.util.stream.Collectors;

/** A spec was rejected; carries every error found, not only the first. */
public final class InvalidSpecException extends Exception {
  private final List<SpecError> errors;

  public InvalidSpecException(List<SpecError> errors) {
    super(errors.stream().map(SpecError::toString).collect(Collectors.joining("; ")), null, false, false);
    this.errors = List.copyOf(errors);
  }

  public List<SpecError> errors() {
    return errors;
  }
}
