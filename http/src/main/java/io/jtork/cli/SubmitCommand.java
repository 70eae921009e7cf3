package io.jtork.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jtork.json.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jtork submit FILE}: {@code POST /jobs} with a YAML or JSON job file; {@code --input}
 * sets inputs, {@code --wait} waits for the end, {@code --follow} shows the job live.
 */
@Command(name = "submit", mixinStandardHelpOptions = true, description = {
    "Submit a job (a YAML or JSON file) and print its id.",
    "Exit code: 0 once submitted (with --wait or --follow: once COMPLETED), 1 otherwise."})
final class SubmitCommand extends ClientCommand {
  @Parameters(paramLabel = "FILE", description = "The job: .yaml or .yml (text/yaml), .json (application/json),"
      + " or - for standard input.")
  String file;

  @Option(names = "--input", paramLabel = "KEY=VALUE", description = "Sets one of the job's inputs, over the file's"
      + " (repeatable).")
  Map<String, String> inputs = new LinkedHashMap<>();

  @Option(names = "--wait", description = "Wait for the job to end; exit 0 only when it COMPLETED.")
  boolean await;

  @Option(names = "--follow", description = "Show the job live (task states, progress, log lines) until it ends;"
      + " exit 0 only when it COMPLETED.")
  boolean follow;

  @Mixin
  OutputOptions output;

  @Override
  int execute(PrintWriter out) throws IOException, InterruptedException {
    String text = read();
    boolean json = isJson(text);
    if (!inputs.isEmpty()) text = withInputs(text, json);
    JsonNode submitted = ClientOptions.expect(client.send("POST", "/jobs", json ? "application/json" : "text/yaml",
        text), null);
    String id = submitted.path("id").asText();
    if (output.table()) {
      out.println("job " + id + " \"" + submitted.path("name").asText() + "\" submitted");
    } else if (!await || follow) {
      output.print(submitted, out);
    }
    out.flush();
    if (follow) {
      try (FollowScreen screen = FollowScreen.open(out)) {
        return new JobFollower(client, id, screen).follow();
      }
    }
    if (!await) return 0;
    JsonNode job = awaitEnd(id);
    if (output.table()) {
      out.println(ProgressLines.end(job, Instant.now()));
      ProgressLines.moreError(job).forEach(out::println);
    } else {
      output.print(job, out);
    }
    return job.path("state").asText().equals("COMPLETED") ? 0 : 1;
  }

  private String read() {
    try {
      return file.equals("-") ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
          : Files.readString(Path.of(file));
    } catch (IOException e) {
      throw new ClientOptions.Failure("cannot read " + file + ": " + (e.getMessage() == null ? e : e.getMessage()));
    }
  }

  /** JSON by the file's extension, or (no known extension) when it starts with {@code {}. */
  private boolean isJson(String text) {
    String name = file.toLowerCase(Locale.ROOT);
    if (name.endsWith(".json")) return true;
    if (name.endsWith(".yaml") || name.endsWith(".yml")) return false;
    return text.stripLeading().startsWith("{");
  }

  /**
   * The job with {@code --input}s set in its {@code inputs}, in the file's own format: YAML is
   * sent as YAML again, since in YAML {@code name: 123} is a string and in JSON it would not be.
   */
  private String withInputs(String text, boolean json) {
    ObjectMapper mapper = json ? Json.json() : Json.yaml();
    JsonNode job;
    try {
      job = mapper.readTree(text);
    } catch (JsonProcessingException e) {
      throw new ClientOptions.Failure(file + " is not valid " + (json ? "JSON" : "YAML") + ": "
          + e.getOriginalMessage().lines().findFirst().orElse(""));
    }
    if (!(job instanceof ObjectNode o)) throw new ClientOptions.Failure(file + ": a job is a mapping (name, tasks...)");
    JsonNode existing = o.get("inputs");
    if (existing != null && !existing.isNull() && !existing.isObject()) {
      throw new ClientOptions.Failure(file + ": inputs is not a mapping, so --input cannot set it");
    }
    ObjectNode merged = existing instanceof ObjectNode e ? e : o.putObject("inputs");
    inputs.forEach(merged::put);
    try {
      return mapper.writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("could not write the job again: " + e.getOriginalMessage(), e);
    }
  }

  /** Polls {@code GET /jobs/{id}} until the job has ended (every 200 ms, slowing to once a second). */
  private JsonNode awaitEnd(String id) throws IOException, InterruptedException {
    long pause = 200;
    while (true) {
      JsonNode job = client.get("/jobs/" + id(id), "job " + id + " not found");
      if (TaskTree.isTerminalJob(job.path("state").asText())) return job;
      Thread.sleep(pause);
      pause = Math.min(1000, pause + 100);
    }
  }
}
