package io.jtork.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code jtork job ID}: a job and its tasks ({@code GET /jobs/{id}}). */
@Command(name = "job", mixinStandardHelpOptions = true, description = "Show a job and its tasks.")
final class JobCommand extends ClientCommand {
  @Parameters(paramLabel = "JOB-ID", description = "The job.")
  String jobId;

  @Mixin
  OutputOptions output;

  @Override
  int execute(PrintWriter out) throws IOException, InterruptedException {
    JsonNode job = client.get("/jobs/" + id(jobId), "job " + jobId + " not found");
    if (!output.table()) {
      output.print(job, out);
      return 0;
    }
    print(job, Instant.now(), out);
    return 0;
  }

  /** The job's fields, one a line, then a row per task (see {@link TaskTree}). */
  static void print(JsonNode job, Instant now, PrintWriter out) {
    String state = job.path("state").asText();
    Table fields = new Table("", "");
    fields.row("id", job.path("id").asText());
    fields.row("name", job.path("name").asText());
    if (job.hasNonNull("description")) fields.row("description", job.path("description").asText());
    fields.row("state", state);
    int count = job.path("taskCount").asInt(job.path("tasks").size());
    String position = count == 0 ? ""
        : " (task " + Math.max(1, Math.min(job.path("position").asInt(), count)) + " of " + count + ")";
    fields.row("progress", (int) (state.equals("COMPLETED") ? 100 : job.path("progress").asDouble(0)) + "%" + position);
    fields.row("created", Table.time(job.path("createdAt").asText()));
    for (String f : new String[] {"startedAt", "completedAt", "failedAt"}) {
      if (job.hasNonNull(f)) fields.row(f.replace("At", ""), Table.time(job.path(f).asText()));
    }
    fields.row("duration", TaskTree.format(TaskTree.elapsed(job, now)));
    if (job.hasNonNull("result")) fields.row("result", TaskTree.firstLine(job.path("result").asText()));
    if (job.hasNonNull("error")) fields.row("error", TaskTree.firstLine(job.path("error").asText()));
    fields.printRows(out);
    out.println();
    Table tasks = new Table("TASK", "STATE", "PROGRESS", "STARTED", "DURATION", "ATTEMPT", "ERROR");
    for (TaskTree.Row r : TaskTree.rows(job)) {
      Duration d = r.duration(now);
      int[] children = r.children();
      String progress = !r.started() || r.state().equals("FAILED") ? "-"
          : children != null ? children[0] + "/" + children[1] : (int) r.progress() + "%";
      tasks.row("  ".repeat(r.depth()) + r.name(), r.state(), progress,
          Table.time(r.task().path("startedAt").asText("")), d == null ? "-" : TaskTree.format(d),
          r.attempt() == null ? "" : r.attempt().substring("attempt ".length()),
          TaskTree.firstLine(r.task().path("error").asText("")));
    }
    tasks.print(out);
  }
}
