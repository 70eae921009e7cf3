package io.jtork.api;

import io.jtork.auth.Passwords;
import io.jtork.auth.Principal;
import io.jtork.auth.UserStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who an {@code Authorization} header says the caller is: HTTP Basic (a user's password,
 * verified against its PBKDF2 hash) or {@code Bearer <API key>}. An unknown user costs the same
 * verification as a wrong password, so the answer's timing does not tell which users exist. A
 * verified Basic credential is remembered for a minute (by its SHA-256), since each
 * verification takes on purpose about a tenth of a second. Blocking: call off the actors' threads.
 */
final class Authenticator {
  private static final Duration REMEMBER = Duration.ofMinutes(1);
  private final UserStore users;
  private final Map<String, Remembered> verified = new ConcurrentHashMap<>();

  private record Remembered(Principal principal, Instant until) {}

  Authenticator(UserStore users) {
    this.users = users;
  }

  Optional<Principal> authenticate(String header) throws java.sql.SQLException {
    if (header == null) return Optional.empty();
    String h = header.trim();
    if (h.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return users.findByApiKey(h.substring(7).trim()).filter(u -> !u.ref().disabled()).map(UserStore.StoredUser::principal);
    }
    if (!h.regionMatches(true, 0, "Basic ", 0, 6)) return Optional.empty();
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(h.substring(6).trim()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    int colon = decoded.indexOf(':');
    if (colon < 0) return Optional.empty();
    String username = decoded.substring(0, colon);
    String password = decoded.substring(colon + 1);
    String key = Passwords.sha256(username + "\u0000" + password);
    Remembered r = verified.get(key);
    if (r != null && r.until().isAfter(Instant.now())) return Optional.of(r.principal());
    Optional<UserStore.StoredUser> user = users.find(username);
    if (user.isEmpty()) {
      Passwords.verifyNothing(password);
      return Optional.empty();
    }
    if (!Passwords.verify(password, user.get().passwordHash()) || user.get().ref().disabled()) return Optional.empty();
    Principal p = user.get().principal();
    verified.put(key, new Remembered(p, Instant.now().plus(REMEMBER)));
    return Optional.of(p);
  }
}
