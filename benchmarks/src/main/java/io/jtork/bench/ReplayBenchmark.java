package io.jtork.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Replay speed: fills a forked standalone node's journal with {@code --jobs} completed jobs of
 * {@code --tasks} shell tasks each (through the API, as users would), then rebuilds the read
 * models {@code --runs} times ({@code POST /admin/replay}, followed by {@code GET /admin/replay})
 * and reports events per second for each run: all the events of the journal divided by the whole
 * replay's time as the node measured it, pausing and resuming the projections included.
 */
@Command(name = "replay", mixinStandardHelpOptions = true)
public final class ReplayBenchmark implements Callable<Integer> {
  @Option(names = "--jobs", defaultValue = "2000")
  int jobs;

  @Option(names = "--tasks", defaultValue = "4", description = "shell tasks per job (each runs `true`)")
  int tasks;

  @Option(names = "--runs", defaultValue = "3")
  int runs;

  @picocli.CommandLine.Mixin
  DatastoreOptions db;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final ObjectMapper json = new ObjectMapper();

  public static void main(String[] args) {
    System.exit(new CommandLine(new ReplayBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    try (BenchNode node = db.fork("shell")) {
      StringBuilder yaml = new StringBuilder("name: replay bench\ntasks:\n");
      for (int t = 0; t < tasks; t++) yaml.append("- name: t").append(t).append("\n  run: \"true\"\n");
      long loadStart = System.nanoTime();
      for (int i = 0; i < jobs; i++) {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(node.base + "/jobs"))
            .header("Content-Type", "text/yaml").POST(HttpRequest.BodyPublishers.ofString(yaml.toString())).build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) throw new IllegalStateException("submit answered " + r.statusCode() + ": " + r.body());
      }
      while (get(node, "/jobs?size=1&q=completed").path("totalItems").asInt() < jobs) Thread.sleep(500);
      System.out.printf(Locale.ROOT, "loaded %d jobs of %d tasks in %.1f s (%s)%n", jobs, tasks,
          (System.nanoTime() - loadStart) / 1e9, db.datastore);
      List<Double> rates = new ArrayList<>();
      for (int run = 1; run <= runs; run++) {
        HttpResponse<String> started = http.send(HttpRequest.newBuilder(URI.create(node.base + "/admin/replay"))
            .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        if (started.statusCode() != 202) throw new IllegalStateException("replay answered " + started.body());
        JsonNode s;
        do {
          Thread.sleep(100);
          s = get(node, "/admin/replay");
        } while (s.get("state").asText().equals("RUNNING"));
        if (!s.get("state").asText().equals("COMPLETED")) throw new IllegalStateException("replay: " + s);
        double rate = s.get("events").asLong() * 1000.0 / s.get("millis").asLong();
        rates.add(rate);
        System.out.printf(Locale.ROOT, "run %d: %d events (%d of jobs) in %d ms: %.0f events/s%n", run,
            s.get("events").asLong(), s.get("jobEvents").asLong(), s.get("millis").asLong(), rate);
      }
      rates.sort(null);
      System.out.printf(Locale.ROOT, "replay on %s: median %.0f events/s over %d runs%n", db.datastore,
          rates.get(rates.size() / 2), runs);
      return 0;
    }
  }

  private JsonNode get(BenchNode node, String path) throws Exception {
    return json.readTree(http.send(HttpRequest.newBuilder(URI.create(node.base + path)).build(),
        HttpResponse.BodyHandlers.ofString()).body());
  }
}
