package io.jtork.model;

import com.fasterxml.uuid.Generators;
import com.fasterxml.uuid.NoArgGenerator;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.UUID;
import java.util.regex.Pattern;

/** Tork's ids: 32 lower-case hex characters, a UUID without dashes. */
public final class Ids {
  private static final Pattern ID = Pattern.compile("^[0-9a-f]{32}$");
  private static final char[] BASE57 = "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();
  /** UUID version 7: 48 bits of the time in milliseconds, then 74 bits of {@link #RANDOM}, drawn anew for each id. */
  private static final NoArgGenerator TIME_ORDERED = Generators.timeBasedEpochRandomGenerator(RANDOM);

  private Ids() {}

  /**
   * A new id for a job, a task, a log part, a scheduled job, a user or a role: a UUID of version 7
   * (RFC 9562), so an id drawn in a later millisecond sorts later. The database's indexes on these
   * ids (the journal's persistence ids, the read model's primary keys) then take each new id near
   * their last one, instead of at a random place of the whole index: a commit rewrites a few recent
   * index pages instead of one old page per new row, and writes about 30% fewer bytes to H2's file
   * (docs/benchmarks.md). Its 74 random bits keep ids unguessable; the time it shows is the
   * object's creation, which the API shows anyway. Its first 12 characters are that time: take
   * {@link #newSuffix()} for a short unique part.
   */
  public static String newId() {
    return TIME_ORDERED.generate().toString().replace("-", "");
  }

  /** Twelve random lower-case hex characters (48 bits), to tell apart things that share a prefix. */
  public static String newSuffix() {
    return String.format("%012x", RANDOM.nextLong() & 0xffff_ffff_ffffL);
  }

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
