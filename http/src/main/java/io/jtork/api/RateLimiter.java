package io.jtork.api;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Requests per second per client address: one Bucket4j token bucket per address (capacity and
 * refill {@code perSecond}). The map is cleared when it holds 100,000 addresses, which at worst
 * gives those clients a fresh second.
 */
final class RateLimiter {
  private static final int MAX_CLIENTS = 100_000;
  private final long perSecond;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

  RateLimiter(long perSecond) {
    this.perSecond = perSecond;
  }

  boolean allow(String client) {
    if (buckets.size() > MAX_CLIENTS) buckets.clear();
    return buckets.computeIfAbsent(client, c -> Bucket.builder()
        .addLimit(Bandwidth.builder().capacity(perSecond).refillGreedy(perSecond, Duration.ofSeconds(1)).build())
        .build()).tryConsume(1);
  }

  long perSecond() {
    return perSecond;
  }
}
