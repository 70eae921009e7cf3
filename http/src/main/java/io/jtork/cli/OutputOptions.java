package io.jtork.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.jtork.json.Json;
import java.io.PrintWriter;
import picocli.CommandLine.Option;

/** {@code --output table|json|yaml}: how a client command prints what the node answered. */
final class OutputOptions {
  enum Format { table, json, yaml }

  @Option(names = {"-o", "--output"}, paramLabel = "table|json|yaml", defaultValue = "table",
      description = "table (default): for people; json or yaml: the node's answer as it is.")
  Format format = Format.table;

  boolean table() {
    return format == Format.table;
  }

  /** Prints {@code body} as JSON (indented) or YAML; only for {@code --output json|yaml}. */
  void print(JsonNode body, PrintWriter out) {
    try {
      if (format == Format.yaml) {
        out.print(Json.yaml().writeValueAsString(body));
      } else {
        out.println(Json.json().writerWithDefaultPrettyPrinter().writeValueAsString(body));
      }
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("could not print the answer: " + e.getOriginalMessage(), e);
    }
    out.flush();
  }
}
