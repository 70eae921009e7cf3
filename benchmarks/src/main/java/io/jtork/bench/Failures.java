package io.jtork.bench;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A phase's failed submissions: how many, and why, each reason with its count (the status and the
 * start of the answer, or the exception; job ids masked as {@code <id>}, so that equal reasons
 * count together). Printed with the phase's line, so that a run's output keeps them.
 */
final class Failures {
  private final AtomicInteger count = new AtomicInteger();
  private final Map<String, Integer> reasons = new ConcurrentSkipListMap<>();

  /** Counts a submission that failed: {@code e} if it was not answered, else its answer {@code r}. */
  void add(HttpResponse<String> r, Throwable e) {
    count.incrementAndGet();
    String why = e != null ? e.toString() : r.statusCode() + " " + (r.statusCode() == 200 ? outcome(r.body())
        : r.body().substring(0, Math.min(200, r.body().length())));
    reasons.merge(why.replaceAll("[0-9a-f]{32}", "<id>").replaceAll("\\s+", " "), 1, Integer::sum);
  }

  /** A job answered but not COMPLETED (a submission with wait): its state and the start of its error. */
  private static String outcome(String job) {
    Matcher state = STATE.matcher(job);
    Matcher error = ERROR.matcher(job);
    return "state " + (state.find() ? state.group(1) : "?") + (error.find() ? ", error " + error.group(1) : "");
  }

  private static final Pattern STATE = Pattern.compile("\"state\":\"([A-Z]+)\"");
  private static final Pattern ERROR = Pattern.compile("\"error\":\"([^\"]{0,200})");

  int count() {
    return count.get();
  }

  /** The reasons on a line of their own, if any submission failed. */
  void print() {
    if (count() > 0) System.out.println("  failed submissions: " + reasons);
  }
}
