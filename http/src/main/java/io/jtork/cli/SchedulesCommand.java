package io.jtork.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jtork schedules}: a page of scheduled jobs ({@code GET /scheduled-jobs}). */
@Command(name = "schedules", mixinStandardHelpOptions = true, description = "List scheduled jobs, newest first.")
final class SchedulesCommand extends ClientCommand {
  @Option(names = "--page", paramLabel = "N", defaultValue = "1", description = "The page, from 1 (default 1).")
  int page;

  @Option(names = "--size", paramLabel = "N", defaultValue = "10", description = "Scheduled jobs a page (default 10,"
      + " at most 20).")
  int size;

  @Mixin
  OutputOptions output;

  @Override
  int execute(PrintWriter out) throws IOException, InterruptedException {
    JsonNode answer = client.get("/scheduled-jobs?page=" + page + "&size=" + size, null);
    if (!output.table()) {
      output.print(answer, out);
      return 0;
    }
    Table table = new Table("ID", "NAME", "CRON", "STATE", "CREATED");
    for (JsonNode s : answer.path("items")) {
      table.row(s.path("id").asText(), s.path("name").asText(), s.path("cron").asText(), s.path("state").asText(),
          Table.time(s.path("createdAt").asText()));
    }
    if (table.size() > 0) table.print(out);
    else out.println("no scheduled jobs");
    out.println("page " + answer.path("number").asInt(page) + " of " + answer.path("totalPages").asInt() + " ("
        + answer.path("totalItems").asInt() + " scheduled jobs)");
    return 0;
  }

  /** {@code jtork schedule pause|resume|delete ID}. */
  @Command(name = "schedule", mixinStandardHelpOptions = true, description = "Pause, resume or delete a scheduled job.")
  static final class Schedule extends ClientCommand {
    enum Action { pause, resume, delete }

    @Parameters(index = "0", paramLabel = "pause|resume|delete", description = "What to do.")
    Action action;

    @Parameters(index = "1", paramLabel = "ID", description = "The scheduled job.")
    String scheduledJobId;

    @Mixin
    OutputOptions output;

    @Override
    int execute(PrintWriter out) throws IOException, InterruptedException {
      String path = "/scheduled-jobs/" + id(scheduledJobId);
      ClientOptions.Answer a = action == Action.delete ? client.send("DELETE", path)
          : client.send("PUT", path + "/" + action);
      JsonNode answer = ClientOptions.expect(a, "scheduled job " + scheduledJobId + " not found");
      if (output.table()) {
        out.println((action == Action.pause ? "paused" : action == Action.resume ? "resumed" : "deleted")
            + " scheduled job " + scheduledJobId);
      } else {
        output.print(answer, out);
      }
      return 0;
    }
  }
}
