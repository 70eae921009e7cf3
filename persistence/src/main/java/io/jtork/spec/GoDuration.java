package io.jtork.spec;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Go's duration syntax ({@code time.ParseDuration}), which Tork job files use for timeouts,
 * {@code wait} and {@code autoDelete}: a sequence of decimal numbers with units ns, us (µs),
 * ms, s, m, h, such as {@code 300ms}, {@code 1.5h} or {@code 2h45m}. Written here because no
 * Java library parses this format; {@link java.time.Duration#parse} expects ISO-8601.
 */
public final class GoDuration {
  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|μs|ms|s|m|h)");
  private static final Pattern WHOLE = Pattern.compile("[+-]?((\\d+(\\.\\d*)?|\\.\\d+)(ns|us|µs|μs|ms|s|m|h))+|[+-]?0");

  /**
   * The longest duration a job may ask for (timeouts, {@code retry.initialDelay}, {@code wait.timeout},
   * {@code autoDelete.after}): 4800h, 200 days. Pekko's scheduler holds a timer for at most about
   * 248 days (2^31 ticks of 10 ms), so anything a job asks for can be scheduled. See docs/limits.md.
   */
  public static final Duration MAX = Duration.ofHours(4800);
  /** The longest delay handed to a timer, whatever computed it. */
  public static final Duration MAX_TIMER = Duration.ofDays(240);

  private GoDuration() {}

  /** {@code d} clamped to what a Pekko timer accepts: 0 up to {@link #MAX_TIMER}. */
  public static Duration schedulable(Duration d) {
    if (d == null || d.isNegative()) return Duration.ZERO;
    return d.compareTo(MAX_TIMER) > 0 ? MAX_TIMER : d;
  }

  /** The duration, or empty when {@code text} is not a Go duration. */
  public static Optional<Duration> parse(String text) {
    if (text == null) return Optional.empty();
    String s = text.trim();
    if (s.isEmpty() || !WHOLE.matcher(s).matches()) return Optional.empty();
    boolean negative = s.startsWith("-");
    if (s.startsWith("-") || s.startsWith("+")) s = s.substring(1);
    if (s.equals("0")) return Optional.of(Duration.ZERO);
    BigDecimal nanos = BigDecimal.ZERO;
    Matcher m = PART.matcher(s);
    while (m.find()) {
      BigDecimal value = new BigDecimal(m.group(1).startsWith(".") ? "0" + m.group(1) : m.group(1));
      nanos = nanos.add(value.multiply(BigDecimal.valueOf(unitNanos(m.group(2)))));
    }
    if (nanos.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) return Optional.empty();
    Duration d = Duration.ofNanos(nanos.longValue());
    return Optional.of(negative ? d.negated() : d);
  }

  public static boolean isValid(String text) {
    return parse(text).isPresent();
  }

  /** Renders like Go's {@code Duration.String()} for whole units: 5s, 1m30s, 2h0m0s, 500ms. */
  public static String format(Duration d) {
    if (d.isZero()) return "0s";
    long totalMillis = d.toMillis();
    if (d.compareTo(Duration.ofSeconds(1)) < 0) {
      return totalMillis > 0 ? totalMillis + "ms" : d.toNanos() + "ns";
    }
    long h = d.toHours();
    long m = d.toMinutesPart();
    double s = d.toSecondsPart() + d.toNanosPart() / 1e9;
    String sec = s == Math.rint(s) ? Long.toString((long) s) : BigDecimal.valueOf(s).stripTrailingZeros().toPlainString();
    if (h > 0) return h + "h" + m + "m" + sec + "s";
    if (m > 0) return m + "m" + sec + "s";
    return sec + "s";
  }

  private static long unitNanos(String unit) {
    return switch (unit) {
      case "ns" -> 1L;
      case "us", "µs", "μs" -> 1_000L;
      case "ms" -> 1_000_000L;
      case "s" -> 1_000_000_000L;
      case "m" -> 60_000_000_000L;
      case "h" -> 3_600_000_000_000L;
      default -> throw new IllegalArgumentException(unit);
    };
  }
}
