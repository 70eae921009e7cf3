package io.jtork.api;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.jtork.node.NodeSettings;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Throttles failed sign-ins (HTTP Basic), asked BEFORE a password is hashed, so that a flood of
 * wrong passwords costs a map look-up each rather than a PBKDF2. Two rules, both must allow:
 *
 * <ol>
 *   <li><b>Per client address</b>, a Bucket4j token bucket of failures (any usernames): a burst of
 *       {@code address.failures}, refilled at that many per {@code address.per}. An attempt takes a
 *       token before its password is checked (so attempts in flight count too) and gives it back
 *       when the password was right: only failures use the bucket up. This is what stops one
 *       address guessing many usernames.
 *   <li><b>Per username</b>, exponential back-off: after {@code user.free-failures} failures in a
 *       row (from any address) the username is locked for {@code user.base-delay}, doubled at each
 *       further failure, at most {@code user.max-delay}; a success clears it. This is what slows
 *       many addresses guessing one password. So that an attacker cannot lock a user out from
 *       where they work, the lock does not hold an address that user signed in from within
 *       {@code user.known-address-for} (that address is still held by its own bucket), and a
 *       credential verified in the last minute is not asked about at all ({@link Authenticator}).
 * </ol>
 *
 * Unknown usernames are throttled exactly like real ones, so the answers tell nothing about which
 * users exist. Each map is a Caffeine cache bounded to {@code max-keys} entries (least recently
 * used dropped first) that forgets an idle entry after {@code forget-after}: a flood of made-up
 * names or addresses cannot fill the memory. The back-off is a few lines here because Bucket4j
 * has no growing delay; Caffeine gives the bounded, expiring maps. Each lock is logged once at
 * WARN with the username and the address, never a password.
 */
final class LoginThrottle {
  private static final Logger log = LoggerFactory.getLogger(LoginThrottle.class);

  private final NodeSettings.AuthThrottle s;
  private final Cache<String, AddressEntry> addresses;
  private final Cache<String, UserFailures> usernames;
  private final Cache<String, Boolean> knownAddresses;

  private record AddressEntry(Bucket bucket, AtomicBoolean warned) {}

  /** Failures in a row for a username, and until when (System.nanoTime) it is locked. */
  private record UserFailures(int failures, long lockedUntilNanos) {}

  LoginThrottle(NodeSettings.AuthThrottle settings) {
    this.s = settings;
    Duration forget = settings.forgetAfter().compareTo(settings.userMaxDelay()) < 0 ? settings.userMaxDelay()
        : settings.forgetAfter();
    Duration addressForget = forget.compareTo(settings.addressPer()) < 0 ? settings.addressPer() : forget;
    this.addresses = Caffeine.newBuilder().maximumSize(settings.maxKeys()).expireAfterAccess(addressForget).build();
    this.usernames = Caffeine.newBuilder().maximumSize(settings.maxKeys()).expireAfterWrite(forget).build();
    this.knownAddresses = Caffeine.newBuilder().maximumSize(settings.maxKeys())
        .expireAfterWrite(settings.userKnownAddressFor().isZero() ? Duration.ofNanos(1) : settings.userKnownAddressFor())
        .build();
  }

  /**
   * Whether {@code username} may try a password from {@code address} now: empty when it may (the
   * attempt then holds one of the address's tokens until {@link #succeeded}, {@link #failed} or
   * {@link #abandoned}), else how long to wait.
   */
  Optional<Duration> acquire(String address, String username) {
    long now = System.nanoTime();
    UserFailures u = usernames.getIfPresent(username);
    if (u != null && u.lockedUntilNanos() - now > 0 && knownAddresses.getIfPresent(pair(username, address)) == null) {
      return Optional.of(Duration.ofNanos(u.lockedUntilNanos() - now));
    }
    AddressEntry a = addresses.get(address, k -> new AddressEntry(Bucket.builder()
        .addLimit(Bandwidth.builder().capacity(s.addressFailures()).refillGreedy(s.addressFailures(), s.addressPer())
            .build())
        .build(), new AtomicBoolean()));
    ConsumptionProbe probe = a.bucket().tryConsumeAndReturnRemaining(1);
    if (probe.isConsumed()) {
      a.warned().set(false);
      return Optional.empty();
    }
    Duration wait = Duration.ofNanos(probe.getNanosToWaitForRefill());
    if (a.warned().compareAndSet(false, true)) {
      log.warn("sign-ins from address {} are refused for {} s after {} failed sign-ins (the last refused one for"
          + " user {})", address, seconds(wait), s.addressFailures(), printable(username));
    }
    return Optional.of(wait);
  }

  /** The password was right: the attempt's token goes back, the username's failures are cleared. */
  void succeeded(String address, String username) {
    abandoned(address);
    usernames.invalidate(username);
    if (!s.userKnownAddressFor().isZero()) knownAddresses.put(pair(username, address), Boolean.TRUE);
  }

  /** The attempt did not get to a verdict (the database or the hashing pool was busy): its token goes back. */
  void abandoned(String address) {
    AddressEntry a = addresses.getIfPresent(address);
    if (a != null) a.bucket().addTokens(1);
  }

  /** The password was wrong (or the user unknown): the token stays used, the username counts one more failure. */
  void failed(String address, String username) {
    long now = System.nanoTime();
    UserFailures u = usernames.asMap().compute(username, (k, old) -> {
      int failures = old == null ? 1 : old.failures() + 1;
      long locked = 0;
      if (failures >= s.userFreeFailures()) {
        int doublings = Math.min(failures - s.userFreeFailures(), 30);
        long delay = Math.min(s.userMaxDelay().toNanos(), s.userBaseDelay().toNanos() << doublings);
        if (delay <= 0) delay = s.userMaxDelay().toNanos(); // the shift overflowed
        locked = now + delay;
      }
      return new UserFailures(failures, locked);
    });
    if (u.lockedUntilNanos() != 0) {
      log.warn("user {} is locked for {} s after {} failed sign-ins in a row, the last from address {}",
          printable(username), seconds(Duration.ofNanos(u.lockedUntilNanos() - now)), u.failures(), address);
    }
  }

  /** Whole seconds to wait, rounded up, at least 1 (what {@code Retry-After} says). */
  static long seconds(Duration wait) {
    long s = (wait.toMillis() + 999) / 1000;
    return Math.max(1, s);
  }

  private static String pair(String username, String address) {
    return username + '\u0000' + address;
  }

  /**
   * A username as it may appear in a log line: quoted, control and non-ASCII characters escaped
   * (a username with a line break must not forge a log line), and cut at 64 characters.
   */
  static String printable(String username) {
    StringBuilder b = new StringBuilder("\"");
    int n = Math.min(username.length(), 64);
    for (int i = 0; i < n; i++) {
      char ch = username.charAt(i);
      if (ch < 0x20 || ch >= 0x7f || ch == '"' || ch == '\\') b.append(String.format("\\u%04x", (int) ch));
      else b.append(ch);
    }
    b.append('"');
    if (username.length() > n) b.append("... (").append(username.length()).append(" characters)");
    return b.toString();
  }
}
