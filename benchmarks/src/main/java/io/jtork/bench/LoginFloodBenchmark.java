package io.jtork.bench;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/**
 * A sign-in flood against a forked standalone node with {@code jtork.auth.enabled}: {@code
 * --requests} wrong-password HTTP Basic requests at {@code --rate} a second from one address
 * ({@code --from}, a socket bound to it; by default for the valid user's own username, which is
 * the attack that matters), while the valid user signs in from 127.0.0.1 and {@code /health} is
 * polled, each every {@code --every-ms}. Reports p50 and p99 of the valid user's and of
 * {@code /health}'s latency during the flood, and what the flood got (429 with Retry-After, 401,
 * 503...). The target: each p50 under 100 ms and p99 under 250 ms.
 */
@Command(name = "login-flood", mixinStandardHelpOptions = true)
public final class LoginFloodBenchmark implements Callable<Integer> {
  @Option(names = "--requests", defaultValue = "600", description = "wrong-password requests in the flood")
  int requests;

  @Option(names = "--rate", defaultValue = "20", description = "flood requests a second")
  double rate;

  @Option(names = "--from", defaultValue = "127.0.0.2", description = "the flood's source address (a loopback one)")
  String from;

  @Option(names = "--flood-user", description = "the username the flood guesses (default: the valid user's)")
  String floodUser;

  @Option(names = "--every-ms", defaultValue = "100", description = "how often the valid user and /health ask")
  long everyMs;

  @Option(names = "--no-throttle", description = "jtork.auth.throttle.enabled off: only the hashing pool protects the node")
  boolean noThrottle;

  @picocli.CommandLine.Mixin
  DatastoreOptions db;

  private static final String USER = "bench-admin";
  private static final String PASSWORD = "bench-admin-password";
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public static void main(String[] args) {
    System.exit(new CommandLine(new LoginFloodBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    String load0 = Files.readString(Path.of("/proc/loadavg")).trim();
    Map<String, String> env = Map.of("JTORK_AUTH_ENABLED", "true", "JTORK_AUTH_ADMIN_USERNAME", USER,
        "JTORK_AUTH_ADMIN_PASSWORD", PASSWORD, "JTORK_AUTH_THROTTLE_ENABLED", String.valueOf(!noThrottle));
    String victim = floodUser == null ? USER : floodUser;
    try (BenchNode node = BenchNode.fork("shell", db.datastore, db.postgresUrl, Files.createTempDirectory("jtork-bench-"),
        env)) {
      int port = URI.create(node.base).getPort();
      String auth = "Basic " + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
      // Warm up: the JIT, the first sign-in (one hash), the connection.
      for (int i = 0; i < 20; i++) {
        timed(node.base + "/jobs?size=1", auth);
        timed(node.base + "/health", null);
      }
      System.out.printf(Locale.ROOT, "node pid %d on %s (%s); flood: %d wrong passwords for \"%s\" at %.0f/s from %s;"
          + " valid user \"%s\" and /health every %d ms from 127.0.0.1; throttle %s%n", node.pid(), node.base, db.datastore,
          requests, victim, rate, from, USER, everyMs, noThrottle ? "off" : "on");

      AtomicBoolean flooding = new AtomicBoolean(true);
      List<Long> userMs = Collections.synchronizedList(new ArrayList<>());
      List<Long> healthMs = Collections.synchronizedList(new ArrayList<>());
      AtomicInteger userFailures = new AtomicInteger();
      Thread prober = new Thread(() -> {
        while (flooding.get()) {
          try {
            long[] u = timed(node.base + "/jobs?size=1", auth);
            if (u[1] == 200) userMs.add(u[0]);
            else userFailures.incrementAndGet();
            long[] h = timed(node.base + "/health", null);
            if (h[1] == 200) healthMs.add(h[0]);
            Thread.sleep(everyMs);
          } catch (InterruptedException e) {
            return;
          } catch (Exception e) {
            userFailures.incrementAndGet();
          }
        }
      }, "prober");
      prober.start();

      ExecutorService senders = Executors.newFixedThreadPool(64);
      Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
      List<Future<?>> sent = new ArrayList<>();
      long start = System.nanoTime();
      long gap = (long) (1e9 / rate);
      for (int i = 0; i < requests; i++) {
        long due = start + i * gap;
        long sleep = due - System.nanoTime();
        if (sleep > 0) Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
        String password = "wrong-guess-" + i;
        sent.add(senders.submit(() -> {
          String outcome;
          try {
            outcome = flood(port, victim, password);
          } catch (Exception e) {
            outcome = "error " + e.getClass().getSimpleName();
          }
          outcomes.computeIfAbsent(outcome, k -> new AtomicInteger()).incrementAndGet();
        }));
      }
      for (Future<?> f : sent) f.get();
      double floodSeconds = (System.nanoTime() - start) / 1e9;
      flooding.set(false);
      prober.join();
      senders.shutdown();
      String load1 = Files.readString(Path.of("/proc/loadavg")).trim();

      System.out.printf(Locale.ROOT, "flood: %d requests in %.1f s (%.1f/s): %s%n", requests, floodSeconds,
          requests / floodSeconds, new TreeMap<>(Map.copyOf(toInts(outcomes))));
      report("valid user GET /jobs", userMs);
      report("GET /health", healthMs);
      System.out.printf(Locale.ROOT, "valid user's requests that were not 200: %d%n", userFailures.get());
      System.out.printf(Locale.ROOT, "load average before: %s; after: %s; cores: %d%n", load0, load1,
          Runtime.getRuntime().availableProcessors());
      boolean met = p(userMs, 50) < 100 && p(userMs, 99) < 250 && p(healthMs, 50) < 100 && p(healthMs, 99) < 250
          && userFailures.get() == 0;
      System.out.println("target (each p50 < 100 ms, p99 < 250 ms, no valid request refused): " + (met ? "met" : "MISSED"));
      return 0;
    }
  }

  private static Map<String, Integer> toInts(Map<String, AtomicInteger> m) {
    Map<String, Integer> out = new HashMap<>();
    m.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  /** Milliseconds and status of one GET. */
  private long[] timed(String url, String auth) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
    if (auth != null) b.header("Authorization", auth);
    long t0 = System.nanoTime();
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new long[] {(System.nanoTime() - t0) / 1_000_000, r.statusCode()};
  }

  /** One wrong-password request from {@code --from}: its status, "429 with Retry-After" when it has one. */
  private String flood(int port, String user, String password) throws Exception {
    try (Socket s = new Socket(InetAddress.getByName("127.0.0.1"), port, InetAddress.getByName(from), 0)) {
      s.setSoTimeout(60_000);
      String req = "GET /jobs HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAuthorization: Basic "
          + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)) + "\r\n\r\n";
      OutputStream out = s.getOutputStream();
      out.write(req.getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      in.transferTo(all);
      String text = all.toString(StandardCharsets.UTF_8);
      String status = text.substring(9, 12);
      boolean retryAfter = text.toLowerCase(Locale.ROOT).contains("\r\nretry-after: ");
      return status + (retryAfter ? " with Retry-After" : "");
    }
  }

  private static long p(List<Long> values, int percentile) {
    List<Long> sorted = new ArrayList<>(values);
    if (sorted.isEmpty()) return Long.MAX_VALUE;
    sorted.sort(null);
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1));
  }

  private static void report(String what, List<Long> ms) {
    System.out.printf(Locale.ROOT, "%-22s n=%d  p50 %d ms  p99 %d ms  max %d ms%n", what, ms.size(), p(ms, 50), p(ms, 99),
        ms.stream().mapToLong(Long::longValue).max().orElse(0));
  }
}
