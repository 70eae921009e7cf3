package io.jtork.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Submissions as a client that does not wait would send them: {@code n} one-task jobs named
 * {@code name}, at most {@code inFlight} requests at a time, until the read model counts every
 * one of them COMPLETED (or 10 minutes have passed).
 */
final class PlainSubmissions {
  /**
   * How long the submissions alone took, how many jobs completed, how many submissions failed,
   * and why (each reason with its count: the status and the start of the answer, or the exception).
   */
  record Result(double submittedSeconds, long completed, int failed, Map<String, Integer> failures) {}

  private PlainSubmissions() {}

  static Result run(HttpClient http, String base, String name, String body, int n, int inFlight) throws Exception {
    AtomicInteger failed = new AtomicInteger();
    Map<String, Integer> failures = new ConcurrentSkipListMap<>();
    long start = System.nanoTime();
    Semaphore permits = new Semaphore(inFlight);
    List<CompletableFuture<?>> all = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      permits.acquire();
      HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/jobs")).timeout(Duration.ofSeconds(60))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
      all.add(http.sendAsync(req, HttpResponse.BodyHandlers.ofString()).whenComplete((r, e) -> {
        permits.release();
        if (e != null || r.statusCode() != 200) {
          failed.incrementAndGet();
          String why = e != null ? e.toString()
              : r.statusCode() + " " + r.body().substring(0, Math.min(200, r.body().length()));
          failures.merge(why.replaceAll("[0-9a-f]{32}", "<id>"), 1, Integer::sum);
        }
      }));
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
    double submitted = (System.nanoTime() - start) / 1e9;
    long done = 0;
    while (done < n - failed.get() && System.nanoTime() - start < Duration.ofMinutes(10).toNanos()) {
      Thread.sleep(100);
      String page = http.send(HttpRequest.newBuilder(URI.create(base + "/jobs?size=1&q=completed%20" + name)).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      Matcher m = Pattern.compile("\"totalItems\":(\\d+)").matcher(page);
      done = m.find() ? Long.parseLong(m.group(1)) : 0;
    }
    return new Result(submitted, done, failed.get(), failures);
  }
}
