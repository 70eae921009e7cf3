package io.jtork.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code jtork events <job-id>}: a job's history as a timeline for a person at a terminal, one
 * line an event: the time since the job was submitted, the sequence number, the event, who caused
 * it, and what it says, from {@code GET /jobs/{id}/events} (all pages).
 */
@Command(name = "events", mixinStandardHelpOptions = true, description = "Print a job's history as a timeline.")
final class EventsCommand implements Callable<Integer> {
  @Parameters(paramLabel = "JOB-ID", description = "The job.")
  String jobId;

  @Mixin
  ClientOptions client;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<JsonNode> events = new ArrayList<>();
    try {
      for (int page = 1; ; page++) {
        ClientOptions.Answer r = client.send("GET", "/jobs/" + jobId + "/events?size=1000&page=" + page);
        if (r.status() != 200) {
          err.println("jtork: " + r.message());
          return 1;
        }
        r.body().get("items").forEach(events::add);
        if (page >= r.body().path("totalPages").asInt(1)) break;
      }
    } catch (Exception e) {
      err.println("jtork: " + client.endpoint + " does not answer: " + e.getMessage());
      return 1;
    }
    print(events, out);
    out.flush();
    return 0;
  }

  /** One line an event: {@code +12.345s  #7  TaskFailed  node:abc  task "build" [TASK]: exit code 1}. */
  static void print(List<JsonNode> events, PrintWriter out) {
    if (events.isEmpty()) return;
    Instant start = Instant.parse(events.get(0).get("timestamp").asText());
    Map<String, String> taskNames = new HashMap<>();
    int typeWidth = events.stream().mapToInt(e -> e.get("type").asText().length()).max().orElse(10);
    int actorWidth = events.stream().mapToInt(e -> e.path("actor").asText().length()).max().orElse(5);
    out.println("job " + events.get(0).at("/data/jobId").asText() + ", submitted "
        + events.get(0).get("timestamp").asText());
    for (JsonNode e : events) {
      JsonNode d = e.get("data");
      if (e.get("type").asText().equals("TaskCreated")) {
        taskNames.put(d.at("/task/id").asText(), d.at("/task/spec/name").asText());
      }
      double seconds = Duration.between(start, Instant.parse(e.get("timestamp").asText())).toMillis() / 1000.0;
      out.println(String.format(Locale.ROOT, "%+10.3fs  #%-4d %-" + typeWidth + "s  %-" + actorWidth + "s  %s",
          seconds, e.get("sequenceNr").asLong(), e.get("type").asText(), e.path("actor").asText(),
          describe(e.get("type").asText(), d, taskNames)).stripTrailing());
    }
  }

  private static String describe(String type, JsonNode d, Map<String, String> tasks) {
    String task = d.hasNonNull("taskId") ? "task \"" + tasks.getOrDefault(d.get("taskId").asText(),
        d.get("taskId").asText()) + "\"" : null;
    return switch (type) {
      case "JobSubmitted" -> "\"" + d.at("/spec/name").asText() + "\", " + d.at("/spec/tasks").size() + " task(s)";
      case "TaskCreated" -> "task \"" + d.at("/task/spec/name").asText() + "\" at position "
          + d.at("/task/position").asInt() + (d.at("/task/attempts").asInt() > 0
              ? ", retry " + d.at("/task/attempts").asInt() : "");
      case "TaskStarted" -> task + ", run " + d.path("run").asInt();
      case "TaskFailed" -> task + " [" + d.path("cause").asText() + "]: " + d.path("error").asText();
      case "TaskCompleted", "TaskCancelled", "TaskSkipped", "TaskReleased" -> task;
      case "TaskProgressed" -> task + " at " + d.path("progress").asDouble() + "%";
      case "TaskRunLost" -> task + ", run " + d.path("run").asInt() + ": " + d.path("reason").asText();
      case "JobAdvanced" -> "to position " + d.path("position").asInt() + " (" + d.path("progress").asDouble() + "%)";
      case "JobFailed" -> d.path("error").asText();
      case "JobDeleted" -> d.path("reason").asText();
      case "EachExpanded" -> d.path("items").size() + " items";
      case "WebhookQueued" -> d.at("/call/event").asText() + " to webhook " + d.at("/call/webhook").asInt();
      case "WebhookAttempted" -> "attempt " + d.path("attempt").asInt() + ": "
          + (d.hasNonNull("status") ? "HTTP " + d.get("status").asInt() : d.path("error").asText());
      default -> "";
    };
  }
}
