package io.jtork.job;

import io.jtork.json.Json;
import io.jtork.model.Ids;
import java.util.Optional;

/**
 * {@code Idempotency-Key}: a client that sends the same submission twice (it lost the first
 * answer) gets the job the first one created. The key does not need a table of its own: the job's
 * id is derived from the caller and the key, so the second request reaches the same sharded job
 * entity on whichever coordinator it arrives, and that entity's journal remembers the job for as
 * long as the journal is kept (past a restart, past a deletion, which the entity also knows).
 */
public final class IdempotencyKeys {
  /** The longest key accepted (as Stripe's API, which made the header common). */
  public static final int MAX_LENGTH = 255;

  private IdempotencyKeys() {}

  /** Why {@code key} cannot be used (null or empty, too long, not printable ASCII), if it cannot. */
  public static Optional<String> problem(String key) {
    if (key == null || key.isBlank()) return Optional.of("Idempotency-Key is empty");
    if (key.length() > MAX_LENGTH) {
      return Optional.of("Idempotency-Key is " + key.length() + " characters long; at most " + MAX_LENGTH
          + " are allowed");
    }
    for (int i = 0; i < key.length(); i++) {
      char ch = key.charAt(i);
      if (ch < 0x20 || ch > 0x7e) {
        return Optional.of("Idempotency-Key may hold only printable ASCII characters; character " + (i + 1)
            + " is U+" + String.format("%04X", (int) ch));
      }
    }
    return Optional.empty();
  }

  /**
   * The id of the job that {@code username}'s submission with {@code key} creates. The name's
   * length goes first, so that no user name and key can make another pair's id ("a|b" with "c"
   * against "a" with "b|c").
   */
  public static String jobId(String username, String key) {
    return Ids.derived("idempotency-key|job|" + username.length() + ":" + username + "|" + key);
  }

  /** The id of the scheduled job that {@code username}'s submission with {@code key} creates. */
  public static String scheduledJobId(String username, String key) {
    return Ids.derived("idempotency-key|scheduled-job|" + username.length() + ":" + username + "|" + key);
  }

  /**
   * Whether two parsed documents are the same job: equal as JSON trees (so the same job sent as
   * YAML, or with its keys in another order, is the same).
   */
  public static boolean sameDocument(Object a, Object b) {
    return Json.json().valueToTree(a).equals(Json.json().valueToTree(b));
  }
}
