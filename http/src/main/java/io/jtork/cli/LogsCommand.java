package io.jtork.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.jtork.json.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jtork logs ID}: a job's log, oldest first ({@code GET /jobs/{id}/log}, every page). */
@Command(name = "logs", mixinStandardHelpOptions = true, description = {"Print a job's log, oldest first.",
    "With --follow: the job live until it ends; exit 0 only when it COMPLETED."})
final class LogsCommand extends ClientCommand {
  @Parameters(paramLabel = "JOB-ID", description = "The job.")
  String jobId;

  @Option(names = {"-f", "--follow"}, description = "Show the job live (task states, progress, log lines as they come)"
      + " until it ends.")
  boolean follow;

  @Mixin
  OutputOptions output;

  @Override
  int execute(PrintWriter out) throws IOException, InterruptedException {
    if (follow) {
      try (FollowScreen screen = FollowScreen.open(out)) {
        return new JobFollower(client, jobId, screen).follow();
      }
    }
    List<JsonNode> parts = new ArrayList<>();
    for (int page = 1; ; page++) {
      JsonNode p = client.get("/jobs/" + id(jobId) + "/log?size=100&page=" + page, "job " + jobId + " not found");
      p.path("items").forEach(parts::add);
      if (page >= p.path("totalPages").asInt(1)) break;
    }
    // The API answers newest first.
    Collections.reverse(parts);
    if (!output.table()) {
      ArrayNode list = Json.json().createArrayNode().addAll(parts);
      output.print(list, out);
      return 0;
    }
    for (JsonNode part : parts) out.print(part.path("contents").asText(""));
    return 0;
  }
}
