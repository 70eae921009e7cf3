package io.jtork.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jtork.json.Json;
import java.time.Instant;
import java.util.List;
import org.jline.utils.AttributedString;
import org.junit.jupiter.api.Test;

/** The follow view as a pure function: a job's JSON (as {@code GET /jobs/{id}} answers) and the time to lines. */
class StatusBlockTest {
  static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");

  /** A job in its second task: a retried task behind it, a parallel running, an each still to come. */
  static JsonNode running() throws Exception {
    return Json.json().readTree("""
        {"id": "d51d0095f29f48d4b7d946e6c3167d5d", "name": "demo pipeline", "state": "RUNNING",
         "createdAt": "2026-01-01T10:00:00Z", "startedAt": "2026-01-01T10:00:00Z", "position": 2, "taskCount": 3,
         "progress": 33.3,
         "tasks": [{"name": "flaky", "retry": {"limit": 2}}, {"name": "fan out", "parallel": {"tasks": []}},
                   {"name": "per item", "each": {"list": "{{ sequence(1,4) }}", "task": {"name": "item"}}}],
         "execution": [
          {"id": "a1", "position": 1, "name": "flaky", "state": "FAILED", "createdAt": "2026-01-01T10:00:00Z",
           "startedAt": "2026-01-01T10:00:00.100Z", "failedAt": "2026-01-01T10:00:00.200Z",
           "error": "exit code 1: trying\\nfailing once", "retry": {"limit": 2}},
          {"id": "p1", "position": 2, "name": "fan out", "state": "RUNNING", "createdAt": "2026-01-01T10:00:00.400Z",
           "startedAt": "2026-01-01T10:00:00.400Z", "parallel": {"tasks": [{}, {}], "completions": 1}},
          {"id": "c1", "parentId": "p1", "position": 2, "name": "left", "state": "RUNNING",
           "createdAt": "2026-01-01T10:00:00.400Z", "startedAt": "2026-01-01T10:00:00.500Z", "progress": 66.0},
          {"id": "a2", "position": 1, "name": "flaky", "state": "COMPLETED", "createdAt": "2026-01-01T10:00:00.200Z",
           "startedAt": "2026-01-01T10:00:00.250Z", "completedAt": "2026-01-01T10:00:00.350Z",
           "retry": {"limit": 2, "attempts": 1}, "progress": 100},
          {"id": "c2", "parentId": "p1", "position": 2, "name": "right", "state": "COMPLETED",
           "createdAt": "2026-01-01T10:00:00.400Z", "startedAt": "2026-01-01T10:00:00.450Z",
           "completedAt": "2026-01-01T10:00:00.500Z", "progress": 100}]}
        """);
  }

  static List<String> text(List<AttributedString> lines) {
    return lines.stream().map(AttributedString::toString).toList();
  }

  @Test
  void showsTheJobAndItsTasksWithRetriesBesideTheirAttemptAndChildrenIndented() throws Exception {
    List<String> lines = text(StatusBlock.lines(running(), T0.plusMillis(3200), 200, 40));
    assertThat(lines).containsExactly(
        "demo pipeline  RUNNING  [#######.............]  33%  task 2/3  3.2s  job d51d0095f29f48d4b7d946e6c3167d5d",
        "  flaky     FAILED                                  attempt 1/3  exit code 1: trying ...",
        "  flaky     COMPLETED  [####################] 100%  0.1s  attempt 2/3",
        "  fan out   RUNNING    [##########..........]  50%  2.8s  1/2 done",
        "    left    RUNNING    [#############.......]  66%  2.7s",
        "    right   COMPLETED  [####################] 100%  0.1s",
        "  per item  PENDING");
  }

  @Test
  void colorsTheStates() throws Exception {
    AttributedString failed = StatusBlock.lines(running(), T0, 200, 40).get(1);
    assertThat(failed.toAnsi()).contains("\u001b[").contains("FAILED");
    assertThat(failed.styleAt(failed.toString().indexOf("FAILED"))).isEqualTo(StatusBlock.style("FAILED"));
  }

  @Test
  void cutsLinesToTheScreensWidth() throws Exception {
    List<String> lines = text(StatusBlock.lines(running(), T0.plusMillis(3200), 40, 40));
    assertThat(lines).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(39));
    assertThat(lines.get(0)).isEqualTo("demo pipeline  RUNNING  [#######.......");
  }

  @Test
  void aLowScreenHidesFinishedChildrenFirstAndSaysHowMany() throws Exception {
    ObjectNode job = (ObjectNode) running();
    var execution = job.withArray("execution");
    for (int i = 0; i < 30; i++) {
      execution.add(Json.json().readTree("""
          {"id": "x%d", "parentId": "p1", "position": 2, "name": "item %d", "state": "COMPLETED"}""".formatted(i, i)));
    }
    List<String> lines = text(StatusBlock.lines(job, T0, 200, 10));
    assertThat(lines).hasSizeLessThanOrEqualTo(10);
    assertThat(lines).anyMatch(l -> l.startsWith("    left"));
    assertThat(lines).anyMatch(l -> l.equals("    ... 31 more finished"));
    assertThat(lines.get(lines.size() - 1)).isEqualTo("  per item  PENDING");
  }

  @Test
  void plainLinesSayEachChangeOnceWithItsTimeAndProgressInTenPercentSteps() throws Exception {
    ProgressLines plain = new ProgressLines();
    JsonNode job = running();
    assertThat(plain.update(job, T0.plusMillis(3200))).containsExactly(
        "[   0.1s] task \"flaky\" RUNNING (attempt 1/3)",
        "[   0.2s] task \"flaky\" FAILED (attempt 1/3): exit code 1: trying ...",
        "[   0.3s] task \"flaky\" RUNNING (attempt 2/3)",
        "[   0.4s] task \"flaky\" COMPLETED (attempt 2/3)",
        "[   0.4s] task \"fan out\" RUNNING",
        "[   0.5s] task \"right\" RUNNING",
        "[   0.5s] task \"left\" RUNNING",
        "[   0.5s] task \"right\" COMPLETED",
        "[   3.2s] task \"left\" 60%",
        "[   3.2s] job 30%");
    assertThat(plain.update(job, T0.plusMillis(3400))).isEmpty();

    ((ObjectNode) job.get("execution").get(2)).put("progress", 69.0);
    assertThat(plain.update(job, T0.plusMillis(3600))).isEmpty();
    ((ObjectNode) job.get("execution").get(2)).put("progress", 71.0);
    assertThat(plain.update(job, T0.plusMillis(3800))).containsExactly("[   3.8s] task \"left\" 70%");

    ((ObjectNode) job).put("state", "COMPLETED").put("completedAt", "2026-01-01T10:00:04.500Z");
    assertThat(ProgressLines.end(job, T0.plusSeconds(9))).isEqualTo("job d51d0095f29f48d4b7d946e6c3167d5d COMPLETED in 4.5s");
  }

  @Test
  void formatsDurations() {
    assertThat(TaskTree.format(java.time.Duration.ofMillis(430))).isEqualTo("0.4s");
    assertThat(TaskTree.format(java.time.Duration.ofSeconds(125))).isEqualTo("2m05s");
    assertThat(TaskTree.format(java.time.Duration.ofMinutes(62))).isEqualTo("1h02m");
  }
}
