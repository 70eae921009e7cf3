package io.jtork.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code --schedules} active scheduled jobs, each firing every {@code --every} seconds, on one
 * forked standalone node. After a warm-up of one period it measures {@code --seconds}: the
 * fire lateness (from each fire's scheduled instant to its journaled {@code ScheduledJobFired},
 * which comes after the fire's job was created, so it includes the submission), how many
 * fires came, and the CPU the node's process used meanwhile.
 *
 * <p>{@code --spread} (the default) gives schedule {@code i} the second offset {@code i % every},
 * so fires are spread over the period, as schedules of many users are; {@code --aligned} makes
 * all of them fire on the same second. {@code --task run} makes each job run a shell
 * {@code true}; {@code --task skip} (the default) a task whose {@code if} is false, so the job
 * completes without a process and the figure is the scheduler's and the job bookkeeping's.
 */
@Command(name = "schedules", mixinStandardHelpOptions = true)
public final class ScheduleBenchmark implements Callable<Integer> {
  @Option(names = "--schedules", defaultValue = "1000")
  int schedules;

  @Option(names = "--every", defaultValue = "10", description = "seconds between the fires of one schedule")
  int every;

  @Option(names = "--seconds", defaultValue = "60", description = "how long to measure, after one period of warm-up")
  int seconds;

  @Option(names = "--aligned", description = "all schedules fire on the same second")
  boolean aligned;

  @Option(names = "--task", defaultValue = "skip", description = "skip (if: false) or run (shell true)")
  String task;

  @picocli.CommandLine.Mixin
  DatastoreOptions db;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final ObjectMapper json = new ObjectMapper();

  public static void main(String[] args) {
    System.exit(new CommandLine(new ScheduleBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    BenchNode node = db.fork("shell");
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      String taskYaml = task.equals("run") ? "run: \"true\"" : "if: \"false\"\n  run: \"true\"";
      List<Future<String>> created = new ArrayList<>();
      for (int i = 0; i < schedules; i++) {
        int offset = aligned ? 0 : i % every;
        String yaml = "name: bench-" + i + "\nschedule: {cron: \"" + offset + "/" + every + " * * * * *\"}\n"
            + "tasks:\n- name: tick\n  " + taskYaml + "\n";
        created.add(pool.submit(() -> {
          HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(node.base + "/scheduled-jobs"))
              .header("Content-Type", "text/yaml").POST(HttpRequest.BodyPublishers.ofString(yaml)).build(),
              HttpResponse.BodyHandlers.ofString());
          if (r.statusCode() != 200) throw new IllegalStateException("create answered " + r.statusCode() + ": " + r.body());
          return json.readTree(r.body()).get("id").asText();
        }));
      }
      List<String> ids = new ArrayList<>();
      for (Future<String> f : created) ids.add(f.get());
      System.out.printf(Locale.ROOT, "%d schedules created (%s, every %d s, task %s, %s)%n", schedules,
          aligned ? "aligned" : "spread", every, task, db.datastore);

      Thread.sleep(every * 1000L + 2000);
      ProcessHandle process = ProcessHandle.of(node.pid()).orElseThrow();
      Duration cpu0 = process.info().totalCpuDuration().orElseThrow();
      Instant from = Instant.now();
      Thread.sleep(seconds * 1000L);
      Instant to = Instant.now();
      Duration cpu1 = process.info().totalCpuDuration().orElseThrow();

      List<Future<?>> deleted = new ArrayList<>();
      for (String id : ids) {
        deleted.add(pool.submit(() -> http.send(HttpRequest.newBuilder(URI.create(node.base + "/scheduled-jobs/" + id))
            .DELETE().build(), HttpResponse.BodyHandlers.ofString())));
      }
      for (Future<?> f : deleted) f.get();

      Histogram lateness = new Histogram(Duration.ofMinutes(10).toMillis(), 3);
      long fires = 0;
      long skippedOrMissed = 0;
      for (String id : ids) {
        JsonNode events = json.readTree(http.send(HttpRequest.newBuilder(URI.create(node.base + "/scheduled-jobs/" + id
            + "/events")).build(), HttpResponse.BodyHandlers.ofString()).body()).get("items");
        for (JsonNode e : events) {
          JsonNode d = e.get("data");
          String type = e.get("type").asText();
          if (type.equals("ScheduledJobFired")) {
            Instant fire = Instant.parse(d.get("fireTime").asText());
            if (fire.isBefore(from) || !fire.isBefore(to)) continue;
            fires++;
            lateness.recordValue(Math.max(0, Duration.between(fire, Instant.parse(d.get("at").asText())).toMillis()));
          } else if (type.equals("ScheduledJobFireSkipped") || type.equals("ScheduledJobFiresMissed")) {
            skippedOrMissed++;
          }
        }
      }
      // The jobs themselves: createdAt (when the job entity accepted the fire) against schedule.fireTime.
      Histogram jobLateness = new Histogram(Duration.ofMinutes(10).toMillis(), 3);
      for (int page = 1; ; page++) {
        JsonNode p = json.readTree(http.send(HttpRequest.newBuilder(URI.create(node.base + "/jobs?size=20&page=" + page))
            .build(), HttpResponse.BodyHandlers.ofString()).body());
        for (JsonNode j : p.get("items")) {
          if (!j.has("schedule")) continue;
          Instant fire = Instant.parse(j.at("/schedule/fireTime").asText());
          if (fire.isBefore(from) || !fire.isBefore(to)) continue;
          jobLateness.recordValue(Math.max(0, Duration.between(fire, Instant.parse(j.get("createdAt").asText())).toMillis()));
        }
        if (page >= p.get("totalPages").asInt()) break;
      }
      double window = Duration.between(from, to).toMillis() / 1000.0;
      double expected = (double) schedules * window / every;
      double cpuSeconds = cpu1.minus(cpu0).toMillis() / 1000.0;
      System.out.printf(Locale.ROOT, "measured %.1f s: %d fires (%.0f expected), %.1f fires/s; %d skipped or missed%n",
          window, fires, expected, fires / window, skippedOrMissed);
      System.out.printf(Locale.ROOT, "fire lateness (to ScheduledJobFired, after the job exists): p50 %d ms, p90 %d ms, p99 %d ms, max %d ms%n",
          lateness.getValueAtPercentile(50), lateness.getValueAtPercentile(90), lateness.getValueAtPercentile(99),
          lateness.getMaxValue());
      System.out.printf(Locale.ROOT, "job createdAt after its fire instant (%d jobs): p50 %d ms, p90 %d ms, p99 %d ms,"
          + " max %d ms%n", jobLateness.getTotalCount(), jobLateness.getValueAtPercentile(50),
          jobLateness.getValueAtPercentile(90), jobLateness.getValueAtPercentile(99), jobLateness.getMaxValue());
      System.out.printf(Locale.ROOT, "node CPU: %.1f s in %.1f s = %.2f cores (%.1f ms per fire, job included)%n",
          cpuSeconds, window, cpuSeconds / window, fires == 0 ? 0 : cpuSeconds * 1000 / fires);
    } finally {
      pool.shutdownNow();
      node.close();
    }
    return 0;
  }
}
