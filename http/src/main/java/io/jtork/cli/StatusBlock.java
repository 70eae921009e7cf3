package io.jtork.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

/**
 * The status block of {@code --follow} at a terminal: a line for the job (state, progress bar,
 * elapsed time), then a line per task (see {@link TaskTree}), children indented under their
 * parallel or each. A pure function of the job's JSON, the time and the screen's size.
 */
final class StatusBlock {
  static final int BAR = 20;
  private static final int MAX_NAME = 32;

  private StatusBlock() {}

  /** A line of the block below the header: a task, or a note saying how many were left out. */
  sealed interface Item permits Task, Omitted {}

  record Task(TaskTree.Row row) implements Item {}

  record Omitted(int depth, String text) implements Item {}

  /** The block for {@code job} at {@code now}: at most {@code height} lines, each shorter than {@code width}. */
  static List<AttributedString> lines(JsonNode job, Instant now, int width, int height) {
    List<AttributedString> lines = new ArrayList<>();
    lines.add(header(job, now));
    List<Item> items = fit(TaskTree.rows(job), Math.max(1, height - 1));
    int nameWidth = 4;
    for (Item i : items) {
      if (i instanceof Task t) nameWidth = Math.max(nameWidth, 2 + 2 * t.row().depth() + t.row().name().length());
    }
    nameWidth = Math.min(MAX_NAME, nameWidth);
    for (Item i : items) {
      lines.add(i instanceof Task t ? row(t.row(), nameWidth, now) : omitted((Omitted) i));
    }
    int columns = Math.max(10, width - 1);
    List<AttributedString> cut = new ArrayList<>(lines.size());
    for (AttributedString l : lines) cut.add(l.columnLength() > columns ? l.columnSubSequence(0, columns) : l);
    return cut;
  }

  private static AttributedString header(JsonNode job, Instant now) {
    String state = job.path("state").asText();
    AttributedStringBuilder b = new AttributedStringBuilder();
    b.style(AttributedStyle.BOLD).append(job.path("name").asText("(no name)")).style(AttributedStyle.DEFAULT);
    b.append("  ");
    b.style(style(state)).append(state).style(AttributedStyle.DEFAULT).append("  ");
    bar(b, state.equals("COMPLETED") ? 100 : job.path("progress").asDouble(0));
    int count = job.path("taskCount").asInt(job.path("tasks").size());
    if (count > 0) {
      b.append("  task ").append(String.valueOf(Math.max(1, Math.min(job.path("position").asInt(), count))))
          .append('/').append(String.valueOf(count));
    }
    b.append("  ").append(TaskTree.format(TaskTree.elapsed(job, now)));
    b.style(AttributedStyle.DEFAULT.faint()).append("  job ").append(job.path("id").asText());
    return b.toAttributedString();
  }

  private static AttributedString row(TaskTree.Row r, int nameWidth, Instant now) {
    AttributedStringBuilder b = new AttributedStringBuilder();
    String name = "  ".repeat(r.depth() + 1) + r.name();
    if (name.length() > nameWidth) name = name.substring(0, nameWidth - 1) + "~";
    b.append(String.format(Locale.ROOT, "%-" + nameWidth + "s  ", name));
    String state = r.state();
    b.style(style(state)).append(String.format(Locale.ROOT, "%-9s", state)).style(AttributedStyle.DEFAULT);
    List<String> details = new ArrayList<>();
    Duration d = r.duration(now);
    if (d != null && !state.equals("FAILED")) details.add(TaskTree.format(d));
    int[] children = r.children();
    if (children != null) details.add(children[0] + "/" + children[1] + " done");
    String attempt = r.attempt();
    if (attempt != null) details.add(attempt);
    String error = r.task().path("error").asText("");
    if (!error.isEmpty()) details.add(TaskTree.firstLine(error));
    b.append("  ");
    if (showsBar(state)) bar(b, r.progress());
    else b.append(" ".repeat(BAR + 7)); // details in the same column as the others'
    if (!details.isEmpty()) b.append("  ").append(String.join("  ", details));
    return trimEnd(b.toAttributedString());
  }

  private static AttributedString trimEnd(AttributedString s) {
    int end = s.length();
    while (end > 0 && s.charAt(end - 1) == ' ') end--;
    return s.subSequence(0, end);
  }

  /** A bar for the tasks that run or ran; not for those that failed, were cancelled or skipped, or wait. */
  private static boolean showsBar(String state) {
    return switch (state) {
      case "FAILED", "CANCELLED", "SKIPPED", "PENDING", "CREATED" -> false;
      default -> true;
    };
  }

  /** {@code [########............]  40%}. */
  static void bar(AttributedStringBuilder b, double percent) {
    double p = Math.max(0, Math.min(100, percent));
    int filled = (int) Math.round(p * BAR / 100);
    b.append('[').style(AttributedStyle.DEFAULT.foreground(AttributedStyle.GREEN)).append("#".repeat(filled))
        .style(AttributedStyle.DEFAULT.faint()).append(".".repeat(BAR - filled)).style(AttributedStyle.DEFAULT)
        .append(']').append(String.format(Locale.ROOT, " %3d%%", (int) Math.floor(p)));
  }

  static AttributedStyle style(String state) {
    return switch (state) {
      case "COMPLETED" -> AttributedStyle.DEFAULT.foreground(AttributedStyle.GREEN);
      case "FAILED" -> AttributedStyle.BOLD.foreground(AttributedStyle.RED);
      case "CANCELLED" -> AttributedStyle.DEFAULT.foreground(AttributedStyle.MAGENTA);
      case "RUNNING" -> AttributedStyle.DEFAULT.foreground(AttributedStyle.CYAN);
      default -> AttributedStyle.DEFAULT.faint();
    };
  }

  private static AttributedString omitted(Omitted o) {
    return new AttributedStringBuilder().style(AttributedStyle.DEFAULT.faint())
        .append("  ".repeat(o.depth() + 1)).append(o.text()).toAttributedString();
  }

  /**
   * At most {@code max} lines for {@code rows}: when they do not fit, the children of finished
   * parallels and eaches go first, then the finished children of running ones (a line says how
   * many), then the rows past the screen's end.
   */
  static List<Item> fit(List<TaskTree.Row> rows, int max) {
    List<Item> all = new ArrayList<>();
    rows.forEach(r -> all.add(new Task(r)));
    if (all.size() <= max) return all;

    List<Item> kept = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      TaskTree.Row r = rows.get(i);
      kept.add(new Task(r));
      if (r.composite() && !TaskTree.isActive(r.state())) {
        while (i + 1 < rows.size() && rows.get(i + 1).depth() > r.depth()) i++;
      }
    }
    if (kept.size() > max) {
      List<Item> shorter = new ArrayList<>();
      int hidden = 0;
      for (int i = 0; i < kept.size(); i++) {
        TaskTree.Row r = ((Task) kept.get(i)).row();
        if (r.depth() > 0 && !TaskTree.isActive(r.state()) && !r.state().equals("FAILED")) {
          hidden++;
        } else {
          shorter.add(kept.get(i));
        }
        boolean groupEnds = i + 1 == kept.size() || ((Task) kept.get(i + 1)).row().depth() < r.depth();
        if (hidden > 0 && groupEnds) {
          shorter.add(new Omitted(r.depth(), "... " + hidden + " more finished"));
          hidden = 0;
        }
      }
      kept = shorter;
    }
    if (kept.size() > max) {
      int left = kept.size() - (max - 1);
      kept = new ArrayList<>(kept.subList(0, max - 1));
      kept.add(new Omitted(0, "... " + left + " more lines"));
    }
    return kept;
  }
}
