package io.jtork.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import org.jline.terminal.Attributes;
import org.jline.terminal.Terminal;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;
import org.jline.utils.Display;
import org.jline.utils.InfoCmp.Capability;

/**
 * The live view of {@code --follow} at a terminal (JLine): the status block ({@link StatusBlock})
 * is redrawn in place at the bottom; log lines are printed above it and scroll away. At the end
 * the last state of the block stays on the screen, followed by the job's end.
 */
final class TerminalScreen implements FollowScreen {
  private final Terminal terminal;
  private final PrintWriter writer;
  private final Display display;
  private final Attributes original;
  private final Thread restore;
  private JsonNode job;
  private Instant now;
  private boolean closed;

  TerminalScreen(Terminal terminal) {
    this.terminal = terminal;
    this.writer = terminal.writer();
    this.display = new Display(terminal, false);
    // No echo of keys typed meanwhile (it would move the cursor under the block). Not raw mode:
    // that turns signals off too, and Ctrl-C must still stop the command.
    this.original = terminal.getAttributes();
    Attributes quiet = new Attributes(original);
    quiet.setLocalFlag(Attributes.LocalFlag.ECHO, false);
    terminal.setAttributes(quiet);
    terminal.puts(Capability.cursor_invisible);
    terminal.flush();
    this.restore = new Thread(this::restore, "jtork-terminal-restore");
    Runtime.getRuntime().addShutdownHook(restore);
  }

  @Override
  public synchronized void log(List<String> lines) {
    if (lines.isEmpty()) return;
    resize();
    display.update(List.of(), 0);
    for (String line : lines) {
      int bar = line.indexOf(" | ");
      AttributedStringBuilder b = new AttributedStringBuilder();
      if (bar >= 0) {
        b.style(AttributedStyle.DEFAULT.faint()).append(line, 0, bar + 3).style(AttributedStyle.DEFAULT);
        b.append(AttributedString.fromAnsi(printable(line.substring(bar + 3))));
      } else {
        b.append(AttributedString.fromAnsi(printable(line)));
      }
      writer.println(b.toAttributedString().toAnsi(terminal));
    }
    // The block starts again on the line below the last log line.
    display.reset();
    if (job != null) draw();
    else terminal.flush();
  }

  @Override
  public synchronized void show(JsonNode job, Instant now) {
    this.job = job;
    this.now = now;
    draw();
  }

  @Override
  public synchronized void end(JsonNode job, Instant now) {
    printBlock(job, now);
    String state = job.path("state").asText();
    writer.println(new AttributedStringBuilder().style(StatusBlock.style(state).bold())
        .append(ProgressLines.end(job, now)).toAttributedString().toAnsi(terminal));
    ProgressLines.moreError(job).forEach(writer::println);
    display.reset();
    this.job = null;
    terminal.flush();
  }

  @Override
  public synchronized void close() {
    if (closed) return;
    restore();
    try {
      Runtime.getRuntime().removeShutdownHook(restore);
    } catch (IllegalStateException e) {
      // the JVM is shutting down: the hook runs restore() anyway
    }
    try {
      terminal.close();
    } catch (IOException e) {
      // nothing left to do for a terminal that does not close
    }
  }

  private void draw() {
    resize();
    display.update(StatusBlock.lines(job, now, display.getColumns(), height()), -1);
  }

  /** The block as plain output in place of the redrawn one, to stay on the screen when the command ends. */
  private void printBlock(JsonNode job, Instant now) {
    resize();
    display.update(List.of(), 0);
    for (AttributedString line : StatusBlock.lines(job, now, display.getColumns(), height())) {
      writer.println(line.toAnsi(terminal));
    }
  }

  /** The block's lines at most: the screen's, less the line the cursor waits on. */
  private int height() {
    return Math.max(5, display.getRows() - 1);
  }

  private void resize() {
    int rows = terminal.getHeight();
    int columns = terminal.getWidth();
    display.resize(rows > 0 ? rows : 24, columns > 0 ? columns : 80);
  }

  /** Restores the cursor and the terminal's modes (also when the JVM is stopped with Ctrl-C). */
  private synchronized void restore() {
    if (closed) return;
    closed = true;
    if (job != null) printBlock(job, now);
    terminal.puts(Capability.cursor_visible);
    terminal.puts(Capability.cursor_normal);
    terminal.setAttributes(original);
    terminal.flush();
  }

  /** A log line without control characters (a task's {@code \r} or a cursor move would break the block). */
  static String printable(String text) {
    StringBuilder b = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\t') b.append("    ");
      else if (c >= ' ' || c == 27) b.append(c);
    }
    return b.toString();
  }
}
