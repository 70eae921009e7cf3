package io.jtork.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.jtork.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code jtork health}: asks a node's {@code /health}; exits non-zero unless it is UP. */
@Command(name = "health", mixinStandardHelpOptions = true, description = "Check that a node is up.")
final class HealthCommand implements Callable<Integer> {
  @Option(names = "--endpoint", paramLabel = "URL", description = "The node (default ${DEFAULT-VALUE}).",
      defaultValue = "${env:JTORK_ENDPOINT:-http://localhost:8000}")
  String endpoint;

  @Override
  public Integer call() {
    try {
      HttpResponse<String> r = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
          .send(HttpRequest.newBuilder(URI.create(endpoint.replaceAll("/+$", "") + "/health"))
              .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
      JsonNode body = Json.json().readTree(r.body());
      System.out.println("Status: " + body.path("status").asText("unknown"));
      return r.statusCode() == 200 ? 0 : 1;
    } catch (Exception e) {
      System.err.println("jtork: " + endpoint + " does not answer: " + e.getMessage());
      return 1;
    }
  }
}
