package io.jtork.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Submissions as a client that does not wait would send them: {@code n} one-task jobs named
 * {@code name}, at most {@code inFlight} requests at a time, until the read model counts every
 * one of them COMPLETED (or 10 minutes have passed).
 */
final class PlainSubmissions {
  /**
   * How long the submissions alone took, how many jobs completed, the submissions that failed and
   * why, and how many times the read model was asked for the count.
   */
  record Result(double submittedSeconds, long completed, Failures failures, int polls) {
    int failed() {
      return failures.count();
    }
  }

  private PlainSubmissions() {}

  static Result run(HttpClient http, String base, String name, String body, int n, int inFlight) throws Exception {
    Failures failed = new Failures();
    long start = System.nanoTime();
    Semaphore permits = new Semaphore(inFlight);
    List<CompletableFuture<?>> all = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      permits.acquire();
      HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/jobs")).timeout(Duration.ofSeconds(60))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
      all.add(http.sendAsync(req, HttpResponse.BodyHandlers.ofString()).handle((r, e) -> {
        permits.release();
        if (e != null || r.statusCode() != 200) failed.add(r, e);
        return r;
      }));
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
    double submitted = (System.nanoTime() - start) / 1e9;
    long done = 0;
    int polls = 0;
    long pause = MIN_POLL_MS;
    long firstDone = 0;
    long firstAt = start;
    while (done < n - failed.count() && System.nanoTime() - start < Duration.ofMinutes(10).toNanos()) {
      Thread.sleep(pause);
      done = completed(http, base, name);
      long now = System.nanoTime();
      // from the second count on, the rate since the first: the jobs' own pace once the submissions stopped
      pause = nextPause(n - failed.count() - done, (done - firstDone) / ((now - firstAt) / 1e9));
      if (polls++ == 0) {
        firstDone = done;
        firstAt = now;
      }
    }
    return new Result(submitted, done, failed, polls);
  }

  /**
   * How long to wait before asking again, with {@code left} jobs not yet completed at {@code rate}
   * completions a second: a quarter of the time they should take, between
   * {@value #MIN_POLL_MS} ms and {@value #MAX_POLL_MS} ms. The count is a search of the read model
   * (every job's name and state, a scan of the jobs table), and took the node 76-118 ms with
   * 40,000 jobs in it. Asked 100 ms after each answer, it took about half a core from the jobs
   * being measured while the last of them ran. This way it is asked about a dozen times for a
   * phase of 15 s (once a second while more than 4 s of jobs are left), every 100 ms at the end,
   * and the end is seen at most a second late, and at most a quarter of the estimate.
   */
  private static long nextPause(long left, double rate) {
    if (left <= 0 || rate <= 0) return MIN_POLL_MS;
    return Math.max(MIN_POLL_MS, Math.min(MAX_POLL_MS, (long) (left / rate * 1000 / 4)));
  }

  private static final long MIN_POLL_MS = 100;
  private static final long MAX_POLL_MS = 1000;

  /** How many jobs named {@code name} the read model counts COMPLETED. */
  private static long completed(HttpClient http, String base, String name) throws Exception {
    String page = http.send(HttpRequest.newBuilder(URI.create(base + "/jobs?size=1&q=completed%20" + name)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    return totalItems(page, 0);
  }

  /** The {@code totalItems} of a page of the API's answers, or {@code otherwise} if it has none. */
  static long totalItems(String page, long otherwise) {
    Matcher m = TOTAL.matcher(page);
    return m.find() ? Long.parseLong(m.group(1)) : otherwise;
  }

  private static final Pattern TOTAL = Pattern.compile("\"totalItems\":(\\d+)");
}
