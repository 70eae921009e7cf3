package io.jtork.multijvm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Schedules survive a SIGKILL of their node: after the restart they fire on, the fires that came
 * due while the node was down follow each schedule's {@code catchUp}, and no fire makes two jobs.
 */
class ScheduleCrashTest {
  @TempDir Path dir;

  record Fire(Instant fireTime, String jobId, Instant at) {}

  record History(List<Fire> fired, List<JsonNode> missed) {}

  private static History history(ForkedNode node, String id) throws Exception {
    List<Fire> fired = new ArrayList<>();
    List<JsonNode> missed = new ArrayList<>();
    for (JsonNode e : node.get("/scheduled-jobs/" + id + "/events").get("items")) {
      JsonNode d = e.get("data");
      switch (e.get("type").asText()) {
        case "ScheduledJobFired" -> fired.add(new Fire(Instant.parse(d.get("fireTime").asText()),
            d.get("jobId").asText(), Instant.parse(d.get("at").asText())));
        case "ScheduledJobFiresMissed" -> missed.add(d);
        default -> { }
      }
    }
    return new History(fired, missed);
  }

  private static String schedule(String name, String catchUp) {
    return """
        name: %s
        schedule: {cron: "*/2 * * * * *", catchUp: %s}
        tasks:
        - name: tick
          run: echo -n tick > $TORK_OUTPUT
        """.formatted(name, catchUp);
  }

  @Test
  void schedulesContinueAfterAKillAndCatchUpAsTheySay() throws Exception {
    Path data = dir.resolve("data");
    int port = ForkedNode.freePort();
    Map<String, String> ids = new LinkedHashMap<>(); // catchUp -> scheduled job id
    Instant killedAt;
    try (ForkedNode first = ForkedNode.standalone(data, port)) {
      for (String policy : List.of("none", "last", "all")) {
        ids.put(policy, first.postYaml("/scheduled-jobs", schedule("crash-" + policy, policy)).get("id").asText());
      }
      Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
          .until(() -> {
            for (String id : ids.values()) if (history(first, id).fired().size() < 2) return false;
            return true;
          });
      first.kill();
      killedAt = Instant.now();
    }
    Thread.sleep(6000); // several fires come due while no node runs

    try (ForkedNode second = ForkedNode.standalone(data, port)) {
      Instant up = Instant.now();
      Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
          .until(() -> {
            for (String id : ids.values()) {
              if (history(second, id).fired().stream().filter(f -> f.fireTime().isAfter(up)).count() < 2) return false;
            }
            return true;
          });
      Map<String, History> histories = new LinkedHashMap<>();
      for (var e : ids.entrySet()) histories.put(e.getKey(), history(second, e.getValue()));

      for (var e : ids.entrySet()) {
        String policy = e.getKey();
        History h = histories.get(policy);
        // No fire twice, and every fire's job is the one its id says; nothing else was made.
        assertThat(h.fired()).extracting(Fire::fireTime).as(policy).doesNotHaveDuplicates().isSorted();
        assertThat(h.fired()).extracting(Fire::jobId).as(policy).doesNotHaveDuplicates();
        Awaitility.await().atMost(Duration.ofSeconds(15)).ignoreExceptions().until(() ->
            second.get("/jobs?q=crash-" + policy + "&size=1").get("totalItems").asInt()
                >= history(second, e.getValue()).fired().size());
        History now = history(second, e.getValue());
        int listed = second.get("/jobs?q=crash-" + policy + "&size=1").get("totalItems").asInt();
        assertThat(listed).as(policy + ": jobs listed vs fires journaled").isEqualTo(now.fired().size());
        for (Fire f : h.fired()) {
          JsonNode job = second.get("/jobs/" + f.jobId());
          assertThat(job.at("/schedule/id").asText()).isEqualTo(e.getValue());
          assertThat(Instant.parse(job.at("/schedule/fireTime").asText())).isEqualTo(f.fireTime());
        }
        // Fires keep their cadence before the kill and after the restart; each on time or later, never early.
        assertThat(h.fired()).allSatisfy(f -> assertThat(f.at()).isAfterOrEqualTo(f.fireTime()));
        List<Fire> onTime = h.fired().stream().filter(f -> f.fireTime().isAfter(up.plusSeconds(4))).toList();
        assertThat(onTime).allSatisfy(f -> assertThat(Duration.between(f.fireTime(), f.at())).isLessThan(
            Duration.ofSeconds(1)));
      }

      History none = histories.get("none");
      assertThat(none.missed()).hasSize(1);
      JsonNode m = none.missed().get(0);
      Instant noneFirst = Instant.parse(m.get("first").asText());
      Instant noneLast = Instant.parse(m.get("last").asText());
      assertThat(m.get("policy").asText()).isEqualTo("none");
      assertThat(m.get("count").asLong()).isEqualTo(Duration.between(noneFirst, noneLast).toSeconds() / 2 + 1)
          .isGreaterThanOrEqualTo(3);
      assertThat(noneFirst).isBefore(killedAt.plusSeconds(2));
      assertThat(none.fired()).noneMatch(f -> !f.fireTime().isBefore(noneFirst) && !f.fireTime().isAfter(noneLast));
      Fire firstAfter = none.fired().stream().filter(f -> f.fireTime().isAfter(noneLast)).findFirst().orElseThrow();
      assertThat(firstAfter.fireTime()).as("with none, the first fire after the restart is a new one")
          .isAfter(Instant.parse(m.get("at").asText()));

      History last = histories.get("last");
      assertThat(last.missed()).hasSize(1);
      JsonNode lm = last.missed().get(0);
      assertThat(lm.get("policy").asText()).isEqualTo("last");
      Instant lastDropped = Instant.parse(lm.get("last").asText());
      Fire caughtUp = last.fired().stream().filter(f -> f.fireTime().isAfter(lastDropped)).findFirst().orElseThrow();
      assertThat(caughtUp.fireTime()).as("with last, the latest missed fire runs")
          .isEqualTo(lastDropped.plusSeconds(2)).isBeforeOrEqualTo(Instant.parse(lm.get("at").asText()));

      History all = histories.get("all");
      assertThat(all.missed()).as("with all, nothing is dropped").isEmpty();
      for (int i = 1; i < all.fired().size(); i++) {
        assertThat(Duration.between(all.fired().get(i - 1).fireTime(), all.fired().get(i).fireTime()))
            .as("no gap in the fires of catchUp: all").isEqualTo(Duration.ofSeconds(2));
      }
      assertThat(all.fired().stream().filter(f -> f.fireTime().isAfter(killedAt) && f.fireTime().isBefore(up)))
          .as("fires that came due while the node was down, run after the restart").hasSizeGreaterThanOrEqualTo(3)
          .allSatisfy(f -> assertThat(f.at()).isAfter(up.minusSeconds(1)));
      assertThat(new HashSet<>(ids.values())).hasSize(3);
    }
  }
}
