package io.jtork.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Salted, slow password hashes: the JDK's PBKDF2-HMAC-SHA256 with 210,000 iterations (OWASP's
 * figure for it) and a 16-byte random salt, stored as {@code pbkdf2-sha256$iterations$salt$hash}.
 * The JDK's primitive is used; only the storage format is ours.
 */
public final class Passwords {
  static final int ITERATIONS = 210_000;
  private static final SecureRandom RANDOM = new SecureRandom();
  /** Verified against when a user does not exist, so that the answer takes as long as for one who does. */
  static final String DUMMY = hash("not a real password");

  private Passwords() {}

  public static String hash(String password) {
    byte[] salt = new byte[16];
    RANDOM.nextBytes(salt);
    return "pbkdf2-sha256$" + ITERATIONS + "$" + Base64.getEncoder().encodeToString(salt) + "$"
        + Base64.getEncoder().encodeToString(derive(password, salt, ITERATIONS));
  }

  public static boolean verify(String password, String stored) {
    String[] parts = stored.split("\\$");
    if (parts.length != 4 || !parts[0].equals("pbkdf2-sha256")) return false;
    byte[] expected = Base64.getDecoder().decode(parts[3]);
    byte[] actual = derive(password, Base64.getDecoder().decode(parts[2]), Integer.parseInt(parts[1]));
    return MessageDigest.isEqual(expected, actual);
  }

  /** Spends the time a verification takes, for an unknown user. */
  public static void verifyNothing(String password) {
    verify(password, DUMMY);
  }

  /** SHA-256 in hex: how API keys are stored (they are long and random, so no salt or stretching is needed). */
  public static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] derive(String password, byte[] salt, int iterations) {
    try {
      PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, 256);
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("PBKDF2 is not available: " + e.getMessage(), e);
    }
  }
}
