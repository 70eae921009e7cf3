package io.jtork.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/** Where {@code --follow} shows a job: a live status block at a terminal, or plain lines into a pipe or file. */
interface FollowScreen extends AutoCloseable {
  /** Log lines, as they arrive (already prefixed with their task's name). */
  void log(List<String> lines);

  /** The job as it is now. */
  void show(JsonNode job, Instant now);

  /** The job at its end: its last state, then {@code job <id> COMPLETED in 3.2s} (or its error). */
  void end(JsonNode job, Instant now);

  @Override
  void close();

  /**
   * The live view when stdout is a terminal that can move its cursor; plain lines into {@code out}
   * otherwise. No terminal is built without a console, so JLine has nothing to warn about.
   */
  static FollowScreen open(PrintWriter out) {
    String term = System.getenv("TERM");
    if (System.console() != null && term != null && !term.isBlank() && !term.startsWith("dumb")) {
      out.flush();
      try {
        // dumb(true): when no system terminal can be had, a dumb one, quietly (then plain lines).
        Terminal terminal = TerminalBuilder.builder().system(true).dumb(true).build();
        if (!terminal.getType().startsWith(Terminal.TYPE_DUMB)) return new TerminalScreen(terminal);
        terminal.close();
      } catch (IOException | RuntimeException e) {
        // plain lines, below
      }
    }
    return new PlainScreen(out);
  }

  /** Plain lines: state changes, log lines and the end, nothing redrawn. */
  final class PlainScreen implements FollowScreen {
    private final PrintWriter out;
    private final ProgressLines progress = new ProgressLines();

    PlainScreen(PrintWriter out) {
      this.out = out;
    }

    @Override
    public void log(List<String> lines) {
      lines.forEach(out::println);
      out.flush();
    }

    @Override
    public void show(JsonNode job, Instant now) {
      progress.update(job, now).forEach(out::println);
      out.flush();
    }

    @Override
    public void end(JsonNode job, Instant now) {
      show(job, now);
      out.println(ProgressLines.end(job, now));
      ProgressLines.moreError(job).forEach(out::println);
      out.flush();
    }

    @Override
    public void close() {
      out.flush();
    }
  }
}
