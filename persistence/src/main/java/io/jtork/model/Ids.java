package io.jtork.model;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.UUID;
import java.util.regex.Pattern;

/** Tork's ids: 32 lower-case hex characters, a UUID without dashes. */
public final class Ids {
  private static final Pattern ID = Pattern.compile("^[0-9a-f]{32}$");

  private Ids() {}

  public static String newId() {
    return UUID.randomUUID().toString().replace("-", "");
  }

  private static final char[] BASE57 = "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A node id in Tork's style: 22 characters of base57, such as {@code V2CjY4HYEaUCtTZziuJh6M}. */
  public static String newNodeId() {
    StringBuilder sb = new StringBuilder(22);
    for (int i = 0; i < 22; i++) sb.append(BASE57[RANDOM.nextInt(BASE57.length)]);
    return sb.toString();
  }

  /**
   * An id derived from {@code name} (a name-based UUID, without dashes): the same name always gives
   * the same id, which makes a retried submission land on the job the first one created.
   */
  public static String derived(String name) {
    return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString().replace("-", "");
  }

  public static boolean isValid(String id) {
    return id != null && ID.matcher(id).matches();
  }
}
