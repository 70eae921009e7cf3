package io.jtork.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Jobs built to exhaust a node through its expressions and durations (docs/limits.md), sent one
 * after another to a forked standalone node: each must end within 2 s, as a 400 at submit or a
 * FAILED task, with a message naming the limit. Meanwhile {@code /health} is polled every 50 ms
 * (its slowest answer is reported), the node's used heap is read every 250 ms with {@code jcmd
 * GC.heap_info} (used, not only live: an upper bound of the live heap), and after each one an
 * ordinary job must complete.
 */
@Command(name = "hostile-expressions", mixinStandardHelpOptions = true)
public final class HostileExpressionsBenchmark implements Callable<Integer> {
  @Option(names = "--within-ms", defaultValue = "2000", description = "how soon each must be refused or fail")
  long withinMs;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final ObjectMapper json = new ObjectMapper();

  public static void main(String[] args) {
    System.exit(new CommandLine(new HostileExpressionsBenchmark()).execute(args));
  }

  /** Each reproduction: a name and the job (YAML). */
  static Map<String, String> reproductions() {
    Map<String, String> r = new LinkedHashMap<>();
    r.put("each over 1,000,000 items", each("{{ sequence(0, 1000000) }}"));
    r.put("sequence of a billion", each("{{ sequence(0, 1000000000) }}"));
    r.put("range of a billion", each("{{ 0..1000000000 }}"));
    r.put("repeat a billion", env("{{ repeat(\"x\", 1000000000) }}"));
    r.put("repeat, overflowing", env("{{ repeat(repeat(\"x\", 100000), 2147483647) }}"));
    r.put("split of a huge string", each("{{ split(repeat(\"a,\", 400000), \",\") }}"));
    r.put("replace growing a string tenfold", env("{{ replace(repeat(\"a\", 900000), \"a\", \"aaaaaaaaaa\") }}"));
    r.put("concat of large lists", each("{{ concat(sequence(0, 90000), sequence(0, 90000)) }}"));
    r.put("list + list", each("{{ sequence(0, 90000) + sequence(0, 90000) }}"));
    r.put("many 1 MB strings in one list", env("{{ [" + String.join(", ", Collections.nCopies(9,
        "repeat(\"y\", 999999)")) + "] }}"));
    r.put("rendered value over 1 MB", env("{{ repeat(\"x\", 900000) }}{{ repeat(\"x\", 900000) }}"));
    r.put("catastrophic regex", env("{{ repeat(\"a\", 30) =~ \"(.*a){14}b\" }}"));
    r.put("toJSON of a huge list", env("{{ toJSON(sequence(0, 99999)) }}{{ toJSON(sequence(0, 99999)) }}"));
    r.put("a long-running expression", env("{{ len(join(sequence(0, 99999), repeat(\",\", 80))) }}"));
    r.put("expression nested 1,000 deep", env("{{ " + "(".repeat(1000) + "1" + ")".repeat(1000) + " }}"));
    r.put("a timeout of 100,000 hours", "name: h\ntasks:\n- name: t\n  timeout: 100000h\n  run: \"true\"\n");
    r.put("a retry delay of 999,999 hours",
        "name: h\ntasks:\n- name: t\n  retry: {limit: 1, initialDelay: 999999h}\n  run: \"true\"\n");
    r.put("autoDelete after 99,999 hours", "name: h\nautoDelete: {after: 99999h}\ntasks:\n- name: t\n  run: \"true\"\n");
    return r;
  }

  private static String each(String list) {
    return "name: h\ntasks:\n- name: fan out\n  each:\n    list: \"" + list.replace("\"", "\\\"")
        + "\"\n    task: {name: x, run: \"true\"}\n";
  }

  private static String env(String value) {
    return "name: h\ntasks:\n- name: t\n  env: {V: \"" + value.replace("\\", "\\\\").replace("\"", "\\\"")
        + "\"}\n  run: \"true\"\n";
  }

  @Override
  public Integer call() throws Exception {
    BenchNode node = BenchNode.fork("shell", "h2", null);
    AtomicBoolean done = new AtomicBoolean();
    AtomicLong slowestHealthNs = new AtomicLong();
    AtomicLong maxUsedKb = new AtomicLong();
    Thread health = new Thread(() -> {
      while (!done.get()) {
        long t0 = System.nanoTime();
        try {
          http.send(HttpRequest.newBuilder(URI.create(node.base + "/health")).timeout(Duration.ofSeconds(10)).build(),
              HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
          // counted as slow below
        }
        slowestHealthNs.accumulateAndGet(System.nanoTime() - t0, Math::max);
        sleep(50);
      }
    });
    Thread heap = new Thread(() -> {
      while (!done.get()) {
        try {
          maxUsedKb.accumulateAndGet(SubmitBenchmark.usedHeapKb(node.jcmd("GC.heap_info")), Math::max);
        } catch (Exception e) {
          // the node is stopping
        }
        sleep(250);
      }
    });
    int failures = 0;
    try {
      // warm the node up: one ordinary job first
      awaitCompleted(node, submit(node, "name: warm\ntasks:\n- name: t\n  run: \"true\"\n").body());
      health.start();
      heap.start();
      for (Map.Entry<String, String> r : reproductions().entrySet()) {
        long t0 = System.nanoTime();
        HttpResponse<String> answer = submit(node, r.getValue());
        String outcome;
        String message;
        if (answer.statusCode() == 400) {
          outcome = "400";
          message = json.readTree(answer.body()).toString();
        } else if (answer.statusCode() == 200) {
          JsonNode job = awaitEnd(node, json.readTree(answer.body()).path("id").asText(), withinMs * 5);
          outcome = job.path("state").asText();
          message = job.path("error").asText();
        } else {
          outcome = String.valueOf(answer.statusCode());
          message = answer.body();
        }
        double ms = (System.nanoTime() - t0) / 1e6;
        boolean named = message.contains("expression.") || message.contains("jtork.job.max-each-items")
            || message.contains("at most") || message.contains("nest") || message.contains("4800h");
        boolean ok = (outcome.equals("400") || outcome.equals("FAILED")) && ms <= withinMs && named;
        if (!ok) failures++;
        long t1 = System.nanoTime();
        JsonNode ordinary = awaitCompleted(node, submit(node, "name: ordinary\ntasks:\n- name: t\n  run: \"true\"\n").body());
        System.out.printf(Locale.ROOT, "%-36s %-6s in %6.0f ms %s | an ordinary job then: %s in %.0f ms | %s%n",
            r.getKey(), outcome, ms, ok ? "ok" : "NOT MET", ordinary.path("state").asText(), (System.nanoTime() - t1) / 1e6,
            message.length() > 160 ? message.substring(0, 160) + "..." : message);
      }
    } finally {
      done.set(true);
      health.join(5000);
      heap.join(5000);
      node.close();
    }
    System.out.printf(Locale.ROOT, "slowest /health meanwhile: %.1f ms; most heap used (jcmd GC.heap_info, every 250 ms): %.1f MB;"
        + " reproductions not met: %d%n", slowestHealthNs.get() / 1e6, maxUsedKb.get() / 1024.0, failures);
    return failures == 0 ? 0 : 1;
  }

  private HttpResponse<String> submit(BenchNode node, String yaml) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(node.base + "/jobs")).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "text/yaml").POST(HttpRequest.BodyPublishers.ofString(yaml)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode awaitCompleted(BenchNode node, String submitted) throws Exception {
    return awaitEnd(node, json.readTree(submitted).path("id").asText(), 30_000);
  }

  private JsonNode awaitEnd(BenchNode node, String id, long timeoutMs) throws Exception {
    long until = System.currentTimeMillis() + timeoutMs;
    JsonNode job;
    do {
      job = json.readTree(http.send(HttpRequest.newBuilder(URI.create(node.base + "/jobs/" + id))
          .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString()).body());
      String state = job.path("state").asText();
      if (state.equals("COMPLETED") || state.equals("FAILED") || state.equals("CANCELLED")) return job;
      Thread.sleep(20);
    } while (System.currentTimeMillis() < until);
    return job;
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
