package io.jtork.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A job's tasks as the CLI shows them: one row per execution in {@code execution} (a retry is a
 * row of its own, right after the attempt it follows), the children of a {@code parallel} or
 * {@code each} indented under it, and the top-level tasks not yet started as PENDING rows from
 * {@code tasks}.
 */
final class TaskTree {
  private TaskTree() {}

  /**
   * One row.
   *
   * @param depth 0 for a top-level task, 1 for its children...
   * @param task the execution, or the definition of a task not started yet
   * @param started false for a definition (no execution yet)
   */
  record Row(int depth, JsonNode task, boolean started) {
    String name() {
      return task.path("name").asText("");
    }

    String state() {
      return started ? task.path("state").asText("CREATED") : "PENDING";
    }

    boolean composite() {
      return task.has("parallel") || task.has("each");
    }

    /** The children done and in all, for a parallel or each; null for others. */
    int[] children() {
      if (!started) return null;
      if (task.has("parallel")) {
        return new int[] {task.at("/parallel/completions").asInt(0), task.at("/parallel/tasks").size()};
      }
      if (task.has("each")) {
        return new int[] {task.at("/each/completions").asInt(0), task.at("/each/size").asInt(0)};
      }
      return null;
    }

    /** 0 to 100: the task's own ({@code $TORK_PROGRESS}), or its children done for a composite. */
    double progress() {
      String state = state();
      if (state.equals("COMPLETED")) return 100;
      int[] c = children();
      if (c != null) return c[1] == 0 ? 0 : 100.0 * c[0] / c[1];
      return Math.max(0, Math.min(100, task.path("progress").asDouble(0)));
    }

    /** {@code attempt 2/3} for a task that may be retried, else null. */
    String attempt() {
      JsonNode retry = task.path("retry");
      if (!started || retry.path("limit").asInt(0) == 0) return null;
      return "attempt " + (retry.path("attempts").asInt(0) + 1) + "/" + (retry.path("limit").asInt() + 1);
    }

    /** How long it ran (until now when it still runs); null before it started. */
    Duration duration(Instant now) {
      Instant start = instant(task, "startedAt");
      if (start == null) return null;
      Instant end = instant(task, "completedAt");
      if (end == null) end = instant(task, "failedAt");
      if (end == null) end = isActive(state()) ? now : start;
      return end.isBefore(start) ? Duration.ZERO : Duration.between(start, end);
    }
  }

  static List<Row> rows(JsonNode job) {
    Map<String, List<JsonNode>> byParent = new LinkedHashMap<>();
    for (JsonNode t : job.path("execution")) {
      byParent.computeIfAbsent(t.path("parentId").asText(""), k -> new ArrayList<>()).add(t);
    }
    List<JsonNode> top = new ArrayList<>(bySlot(byParent.getOrDefault("", List.of())));
    List<Row> rows = new ArrayList<>();
    JsonNode definitions = job.path("tasks");
    int next = 0;
    for (int position = 1; position <= definitions.size(); position++) {
      boolean started = false;
      while (next < top.size() && top.get(next).path("position").asInt() <= position) {
        add(rows, top.get(next++), 0, byParent);
        started = true;
      }
      if (!started) rows.add(new Row(0, definitions.get(position - 1), false));
    }
    while (next < top.size()) add(rows, top.get(next++), 0, byParent);
    return rows;
  }

  private static void add(List<Row> rows, JsonNode task, int depth, Map<String, List<JsonNode>> byParent) {
    rows.add(new Row(depth, task, true));
    for (JsonNode child : bySlot(byParent.getOrDefault(task.path("id").asText(), List.of()))) {
      add(rows, child, depth + 1, byParent);
    }
  }

  /** Executions in the order of their first attempt, each retry right after the attempts before it. */
  private static List<JsonNode> bySlot(List<JsonNode> tasks) {
    Map<String, List<JsonNode>> slots = new LinkedHashMap<>();
    for (JsonNode t : tasks) {
      slots.computeIfAbsent(t.path("position").asInt() + "/" + t.path("name").asText(), k -> new ArrayList<>()).add(t);
    }
    List<JsonNode> ordered = new ArrayList<>();
    slots.values().forEach(ordered::addAll);
    ordered.sort((a, b) -> Integer.compare(a.path("position").asInt(), b.path("position").asInt()));
    return ordered;
  }

  static boolean isActive(String state) {
    return switch (state) {
      case "CREATED", "PENDING", "SCHEDULED", "RUNNING" -> true;
      default -> false;
    };
  }

  static boolean isTerminalJob(String state) {
    return switch (state) {
      case "COMPLETED", "FAILED", "CANCELLED" -> true;
      default -> false;
    };
  }

  static Instant instant(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null || !v.isTextual()) return null;
    try {
      return Instant.parse(v.asText());
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** How long the job has run: until it ended, or until {@code now}. */
  static Duration elapsed(JsonNode job, Instant now) {
    Instant start = instant(job, "createdAt");
    if (start == null) return Duration.ZERO;
    Instant end = instant(job, "completedAt");
    if (end == null) end = instant(job, "failedAt");
    if (end == null) end = now;
    return end.isBefore(start) ? Duration.ZERO : Duration.between(start, end);
  }

  /** {@code 0.4s}, {@code 12.3s}, {@code 2m05s}, {@code 1h02m}. */
  static String format(Duration d) {
    long ms = d.toMillis();
    if (ms < 60_000) return String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
    long s = ms / 1000;
    if (s < 3600) return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    return String.format(Locale.ROOT, "%dh%02dm", s / 3600, s / 60 % 60);
  }

  /** The first line of {@code text}, with {@code ...} when there are more. */
  static String firstLine(String text) {
    if (text == null) return "";
    String t = text.strip();
    int nl = t.indexOf('\n');
    return nl < 0 ? t : t.substring(0, nl).stripTrailing() + " ...";
  }
}
