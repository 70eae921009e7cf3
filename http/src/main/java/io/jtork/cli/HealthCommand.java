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

/**
 * {@code jtork health}: asks a node's {@code /health}; exits non-zero unless it is UP. The
 * endpoint may be the API's port or the management port ({@code jtork.http.management-port}),
 * which answers while the API's connections are all taken (docs/connections.md).
 */
@Command(name = "health", mixinStandardHelpOptions = true, description = "Check that a node is up.")
final class HealthCommand implements Callable<Integer> {
  @Option(names = "--endpoint", paramLabel = "URL",
      description = "The node's API or management port, such as http://localhost:8081 (default $JTORK_HEALTH_ENDPOINT,"
          + " else $JTORK_ENDPOINT, else http://localhost:8000); /health is added unless the URL ends with it.")
  String endpoint;

  @Option(names = "--timeout", paramLabel = "SECONDS", description = "How long to wait for the answer (default 10).",
      defaultValue = "10")
  int timeoutSeconds;

  @Override
  public Integer call() {
    String base = endpoint != null ? endpoint : firstSet(System.getenv("JTORK_HEALTH_ENDPOINT"),
        System.getenv("JTORK_ENDPOINT"), "http://localhost:8000");
    String url = base.replaceAll("/+$", "");
    if (!url.endsWith("/health")) url += "/health";
    try {
      HttpResponse<String> r = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
          .send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(timeoutSeconds)).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      JsonNode body = Json.json().readTree(r.body());
      System.out.println("Status: " + body.path("status").asText("unknown"));
      return r.statusCode() == 200 ? 0 : 1;
    } catch (Exception e) {
      System.err.println("jtork: " + url + " does not answer: " + e.getMessage());
      return 1;
    }
  }

  private static String firstSet(String... values) {
    for (String v : values) if (v != null && !v.isBlank()) return v;
    return null;
  }
}
