package io.jtork.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The plain output of {@code --follow} without a terminal: from each new look at the job, a line
 * per task state change ({@code [  2.1s] task "build" RUNNING}), per 10% step of a task's or the
 * job's progress, each stamped with its time since the job was created, and at the end
 * {@code job <id> COMPLETED in 3.2s}. A change that happened between two looks is still printed,
 * from the task's timestamps.
 */
final class ProgressLines {
  private final Set<String> printed = new HashSet<>();
  private final Map<String, Integer> steps = new HashMap<>();
  private Duration last = Duration.ZERO;

  private record Line(Duration at, int order, String text) {}

  /** The lines for what changed since the last call. */
  List<String> update(JsonNode job, Instant now) {
    Instant created = TaskTree.instant(job, "createdAt");
    List<Line> lines = new ArrayList<>();
    int order = 0;
    for (TaskTree.Row r : TaskTree.rows(job)) {
      if (!r.started()) continue;
      JsonNode t = r.task();
      String id = t.path("id").asText();
      String what = "task \"" + r.name() + "\"";
      String attempt = r.attempt() == null ? "" : " (" + r.attempt() + ")";
      Instant started = TaskTree.instant(t, "startedAt");
      if (started != null && once(id + "/RUNNING")) {
        lines.add(new Line(since(created, started), order++, what + " RUNNING" + attempt));
      }
      String state = r.state();
      if (!TaskTree.isActive(state) && once(id + "/" + state)) {
        Instant at = TaskTree.instant(t, state.equals("FAILED") ? "failedAt" : "completedAt");
        String error = t.path("error").asText("");
        lines.add(new Line(at == null ? since(created, now) : since(created, at), order++, what + " " + state + attempt
            + (error.isEmpty() ? "" : ": " + TaskTree.firstLine(error))));
      }
      if (state.equals("RUNNING") && !r.composite()) {
        int step = (int) (r.progress() / 10);
        if (step > 0 && step < 10 && step > steps.getOrDefault(id, 0)) {
          steps.put(id, step);
          lines.add(new Line(since(created, now), order++, what + " " + step * 10 + "%"));
        }
      }
    }
    int step = (int) (job.path("progress").asDouble(0) / 10);
    if (step > 0 && step > steps.getOrDefault("", 0) && step < 10) {
      steps.put("", step);
      lines.add(new Line(since(created, now), order++, "job " + step * 10 + "%"));
    }
    lines.sort(Comparator.comparing(Line::at).thenComparingInt(Line::order));
    List<String> out = new ArrayList<>();
    for (Line l : lines) {
      // A change seen late is not printed as earlier than what was already printed.
      Duration at = l.at().compareTo(last) < 0 ? last : l.at();
      last = at;
      out.add(String.format(Locale.ROOT, "[%6.1fs] %s", at.toMillis() / 1000.0, l.text()));
    }
    return out;
  }

  /** {@code job <id> COMPLETED in 3.2s}, or {@code ... FAILED in 3.2s: <error>} (its first line). */
  static String end(JsonNode job, Instant now) {
    String state = job.path("state").asText();
    String error = job.path("error").asText("");
    return "job " + job.path("id").asText() + " " + state + " in " + TaskTree.format(TaskTree.elapsed(job, now))
        + (error.isEmpty() ? "" : ": " + error.strip().lines().findFirst().orElse(""));
  }

  /** The lines of the job's error after its first, to print under {@link #end}. */
  static List<String> moreError(JsonNode job) {
    List<String> lines = job.path("error").asText("").strip().lines().toList();
    return lines.size() <= 1 ? List.of() : lines.subList(1, lines.size()).stream().map(l -> "  " + l).toList();
  }

  private boolean once(String key) {
    return printed.add(key);
  }

  private static Duration since(Instant created, Instant at) {
    if (created == null || at.isBefore(created)) return Duration.ZERO;
    return Duration.between(created, at);
  }
}
