package io.jtork.api;

import java.util.Optional;

/** Tork's paging parameters: {@code page} from 1, {@code size} clamped to the endpoint's range. */
record Paging(int page, int size) {

  /** Thrown for a page or size that is not a whole number; the message names the parameter and value. */
  static final class BadParameter extends RuntimeException {
    BadParameter(String message) {
      super(message, null, false, false);
    }
  }

  static Paging of(Optional<String> page, Optional<String> size, int defaultSize, int maxSize) {
    int p = parse("page", page, 1);
    int s = parse("size", size, defaultSize);
    return new Paging(Math.max(1, p), Math.max(1, Math.min(maxSize, s)));
  }

  private static int parse(String name, Optional<String> value, int dflt) {
    if (value.isEmpty() || value.get().isBlank()) return dflt;
    try {
      return Integer.parseInt(value.get().trim());
    } catch (NumberFormatException e) {
      throw new BadParameter("invalid " + name + " \"" + value.get() + "\": it must be a whole number");
    }
  }
}
