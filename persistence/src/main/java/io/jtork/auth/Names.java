package io.jtork.auth;

import java.util.Locale;

/**
 * The rules for usernames and role slugs, checked wherever one comes in ({@code POST /users},
 * {@code POST /roles}, {@code POST /users/{username}/roles}, {@code jtork.auth.admin.username}).
 *
 * <ul>
 *   <li>A control character anywhere (CR, LF, NUL, tab...) is refused, not stripped: such a name
 *       is an attack on a log or a header, not a typing slip.
 *   <li>Then leading and trailing spaces are trimmed ({@code " admin"} is {@code admin}).
 *   <li>At most 64 characters, at least one.
 *   <li>Usernames: ASCII letters, digits, {@code .}, {@code _}, {@code -} and {@code @} (so an
 *       e-mail address fits), starting with a letter or a digit. Only ASCII, so that two names
 *       cannot look alike and differ (Cyrillic {@code а} against Latin {@code a}). Case is kept,
 *       but two usernames that differ only in case are the same user for uniqueness
 *       ({@code ADMIN} cannot be created beside {@code admin}); sign-in matches the name exactly.
 *   <li>Role slugs: lower-case ASCII letters, digits, {@code .}, {@code _} and {@code -}, starting
 *       with a letter or a digit (the rule slugs always had).
 * </ul>
 *
 * A plain check by hand: the rules are a few lines, and each refusal names its field and rule.
 */
public final class Names {
  public static final int MAX_LENGTH = 64;

  private Names() {}

  /** The trimmed username, or a refusal naming {@code field} and the broken rule. */
  public static String username(String field, String raw) throws UserStore.Refused {
    return check(field, raw, false);
  }

  /** The trimmed role slug, or a refusal naming {@code field} and the broken rule. */
  public static String slug(String field, String raw) throws UserStore.Refused {
    return check(field, raw, true);
  }

  private static String check(String field, String raw, boolean slug) throws UserStore.Refused {
    if (raw == null) throw new UserStore.Refused(field + ": required");
    for (int i = 0; i < raw.length(); i++) {
      char ch = raw.charAt(i);
      if (Character.isISOControl(ch)) {
        throw new UserStore.Refused(field + ": control characters are not allowed (found U+"
            + String.format("%04X", (int) ch) + " at position " + i + ")");
      }
    }
    String name = raw.strip();
    if (name.isEmpty()) throw new UserStore.Refused(field + ": required");
    if (name.length() > MAX_LENGTH) {
      throw new UserStore.Refused(field + ": at most " + MAX_LENGTH + " characters (got " + name.length() + ")");
    }
    for (int i = 0; i < name.length(); i++) {
      char ch = name.charAt(i);
      if (!allowed(ch, slug)) {
        throw new UserStore.Refused(field + ": only " + (slug ? "lower-case letters, digits, '.', '_' and '-'"
            : "letters, digits, '.', '_', '-' and '@'") + " are allowed (found " + describe(ch) + ")");
      }
    }
    if (!Character.isLetterOrDigit(name.charAt(0))) {
      throw new UserStore.Refused(field + ": must start with a letter or a digit (got \"" + name + "\")");
    }
    return name;
  }

  private static boolean allowed(char ch, boolean slug) {
    if (ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9' || ch == '.' || ch == '_' || ch == '-') return true;
    return !slug && (ch >= 'A' && ch <= 'Z' || ch == '@');
  }

  private static String describe(char ch) {
    if (ch == ' ') return "a space";
    if (ch >= 0x21 && ch < 0x7f) return "'" + ch + "'";
    return "U+" + String.format("%04X", (int) ch);
  }

  /** How names are compared for uniqueness: ASCII lower case (the rules allow only ASCII). */
  public static String key(String name) {
    return name.toLowerCase(Locale.ROOT);
  }
}
