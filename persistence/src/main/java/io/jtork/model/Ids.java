package io.jtork.model;

import java.util.UUID;
import java.util.regex.Pattern;

/** Tork's ids: 32 lower-case hex characters, a UUID without dashes. */
public final class Ids {
  private static final Pattern ID = Pattern.compile("^[0-9a-f]{32}$");

  private Ids() {}

  public static String newId() {
    return UUID.randomUUID().toString().replace("-", "");
  }

  public static boolean isValid(String id) {
    return id != null && ID.matcher(id).matches();
  }
}
