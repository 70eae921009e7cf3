package io.jtork.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code jtork jobs}: a page of jobs, newest first ({@code GET /jobs}). */
@Command(name = "jobs", mixinStandardHelpOptions = true, description = "List jobs, newest first.")
final class JobsCommand extends ClientCommand {
  enum State { PENDING, SCHEDULED, RUNNING, CANCELLED, COMPLETED, FAILED }

  @Option(names = "--state", paramLabel = "STATE", description = "Only jobs in this state (${COMPLETION-CANDIDATES})."
      + " It is sent in the API's q, which also matches names and descriptions: those are left out here,"
      + " so a page may show fewer jobs than its size.")
  State state;

  @Option(names = {"-q", "--query"}, paramLabel = "Q", description = "The API's q: words that the name, description or"
      + " state must all contain, tag:x, tags:a,b.")
  String query;

  @Option(names = "--page", paramLabel = "N", defaultValue = "1", description = "The page, from 1 (default 1).")
  int page;

  @Option(names = "--size", paramLabel = "N", defaultValue = "10",
      description = "Jobs a page (default 10, at most 20).")
  int size;

  @Mixin
  OutputOptions output;

  @Override
  int execute(PrintWriter out) throws IOException, InterruptedException {
    List<String> words = new ArrayList<>();
    if (query != null && !query.isBlank()) words.add(query.strip());
    if (state != null) words.add(state.name().toLowerCase(Locale.ROOT));
    String q = String.join(" ", words);
    JsonNode answer = client.get("/jobs?page=" + page + "&size=" + size + (q.isEmpty() ? "" : "&q="
        + ClientOptions.encode(q)), null);
    List<JsonNode> kept = filter(answer.path("items"));
    ArrayNode items = ((ObjectNode) answer).putArray("items").addAll(kept);
    if (!output.table()) {
      output.print(answer, out);
      return 0;
    }
    Table table = new Table("ID", "NAME", "STATE", "PROGRESS", "CREATED");
    for (JsonNode j : items) {
      String s = j.path("state").asText();
      int progress = (int) (s.equals("COMPLETED") ? 100 : j.path("progress").asDouble(0));
      table.row(j.path("id").asText(), j.path("name").asText(), s, progress + "%",
          Table.time(j.path("createdAt").asText()));
    }
    if (table.size() > 0) table.print(out);
    else out.println("no jobs");
    out.println("page " + answer.path("number").asInt(page) + " of " + answer.path("totalPages").asInt() + " ("
        + answer.path("totalItems").asInt() + (state == null ? " jobs)" : " jobs matched q)"));
    return 0;
  }

  /** The jobs in the {@code --state} asked for (q also matched names and descriptions). */
  private List<JsonNode> filter(JsonNode items) {
    List<JsonNode> kept = new ArrayList<>();
    for (JsonNode j : items) {
      if (state == null || j.path("state").asText().equals(state.name())) kept.add(j);
    }
    return kept;
  }
}
