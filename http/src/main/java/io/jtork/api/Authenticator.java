package io.jtork.api;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.jtork.auth.Passwords;
import io.jtork.auth.Principal;
import io.jtork.auth.UserStore;
import io.jtork.concurrent.Stages;
import io.jtork.node.NodeSettings;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Who an {@code Authorization} header says the caller is: HTTP Basic (a user's password,
 * verified against its PBKDF2 hash) or {@code Bearer <API key>}. An unknown user costs the same
 * verification as a wrong password, so the answer's timing does not tell which users exist.
 *
 * <p>A Basic attempt first asks the {@link LoginThrottle} (failed sign-ins per address and per
 * username), before anything else: a throttled attempt is refused without a database query or a
 * hash. A verified credential is then remembered for a minute (by its SHA-256), since each
 * verification takes on purpose about a tenth of a second of a core. Else the password is hashed
 * on a small pool of its own ({@code jtork.auth.throttle.hash-threads}, with a bounded queue):
 * when that is full the attempt is {@link Outcome.Busy} at once, and the threads that serve the
 * rest of the API and {@code /health} never wait for a hash.
 */
final class Authenticator {
  private static final Duration REMEMBER = Duration.ofMinutes(1);
  /** The users table's column is this wide: a longer name cannot exist and is not looked up. */
  private static final int LONGEST_STORED_USERNAME = 256;

  private final UserStore users;
  private final Executor blocking;
  private final ThreadPoolExecutor hashing;
  private final LoginThrottle throttle;
  private final Cache<String, Principal> verified = Caffeine.newBuilder().expireAfterWrite(REMEMBER)
      .maximumSize(10_000).build();

  /** What an attempt comes to. */
  sealed interface Outcome {
    record Allowed(Principal principal) implements Outcome {}

    record Denied() implements Outcome {}

    /** Too many failed sign-ins from the address or for the username: try again after {@code retryIn}. */
    record Throttled(Duration retryIn) implements Outcome {}

    /** The password-hashing pool is full: try again shortly. */
    record Busy() implements Outcome {}
  }

  Authenticator(UserStore users, Executor blocking, NodeSettings.AuthThrottle settings) {
    this.users = users;
    this.blocking = blocking;
    this.throttle = settings.enabled() ? new LoginThrottle(settings) : null;
    AtomicInteger n = new AtomicInteger();
    this.hashing = new ThreadPoolExecutor(settings.hashThreads(), settings.hashThreads(), 30, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(settings.hashQueue()), r -> {
          Thread t = new Thread(r, "jtork-password-hash-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        }, new ThreadPoolExecutor.AbortPolicy());
    // Idle threads end: nothing has to close the pool when its node stops.
    hashing.allowCoreThreadTimeOut(true);
  }

  /**
   * The outcome for {@code header} from the client at {@code address}; fails (with the
   * database's exception) only when the user could not be looked up.
   */
  CompletionStage<Outcome> authenticate(String header, String address) {
    if (header == null) return done(new Outcome.Denied());
    String h = header.trim();
    if (h.regionMatches(true, 0, "Bearer ", 0, 7)) {
      String key = h.substring(7).trim();
      return CompletableFuture.supplyAsync(() -> {
        try {
          return users.findByApiKey(key).filter(u -> !u.ref().disabled())
              .<Outcome>map(u -> new Outcome.Allowed(u.principal())).orElse(new Outcome.Denied());
        } catch (SQLException e) {
          throw new CompletionException(e);
        }
      }, blocking);
    }
    if (!h.regionMatches(true, 0, "Basic ", 0, 6)) return done(new Outcome.Denied());
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(h.substring(6).trim()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return done(new Outcome.Denied());
    }
    int colon = decoded.indexOf(':');
    if (colon < 0) return done(new Outcome.Denied());
    String username = decoded.substring(0, colon);
    String password = decoded.substring(colon + 1);
    if (throttle != null) {
      // First, before the remembered credentials: else a locked username could still be
      // probed, a guess that matches a recently used password answering 200 at once.
      Optional<Duration> wait = throttle.acquire(address, username);
      if (wait.isPresent()) return done(new Outcome.Throttled(wait.get()));
    }
    String key = Passwords.sha256(username + "\u0000" + password);
    Principal remembered = verified.getIfPresent(key);
    if (remembered != null) {
      if (throttle != null) throttle.succeeded(address, username);
      return done(new Outcome.Allowed(remembered));
    }
    if (username.length() > LONGEST_STORED_USERNAME) {
      if (throttle != null) throttle.failed(address, username);
      return done(new Outcome.Denied());
    }
    return CompletableFuture.supplyAsync(() -> {
      try {
        return users.find(username);
      } catch (SQLException e) {
        throw new CompletionException(e);
      }
    }, blocking).thenApplyAsync(user -> {
      if (user.isEmpty()) {
        Passwords.verifyNothing(password);
        return Optional.<Principal>empty();
      }
      boolean ok = Passwords.verify(password, user.get().passwordHash()) && !user.get().ref().disabled();
      return ok ? Optional.of(user.get().principal()) : Optional.<Principal>empty();
    }, hashing).handle((principal, error) -> {
      if (error != null) {
        if (throttle != null) throttle.abandoned(address);
        Throwable cause = Stages.unwrap(error);
        if (cause instanceof RejectedExecutionException) return new Outcome.Busy();
        throw error instanceof CompletionException ce ? ce : new CompletionException(error);
      }
      if (principal.isEmpty()) {
        if (throttle != null) throttle.failed(address, username);
        return new Outcome.Denied();
      }
      if (throttle != null) throttle.succeeded(address, username);
      verified.put(key, principal.get());
      return new Outcome.Allowed(principal.get());
    });
  }

  private static CompletionStage<Outcome> done(Outcome o) {
    return CompletableFuture.completedFuture(o);
  }
}
