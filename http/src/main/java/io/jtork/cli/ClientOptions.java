package io.jtork.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.jtork.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import picocli.CommandLine.Option;

/** The options and the HTTP client of the commands that talk to a running node's API. */
final class ClientOptions {
  @Option(names = "--endpoint", paramLabel = "URL", description = "A coordinator (default ${DEFAULT-VALUE}).",
      defaultValue = "${env:JTORK_ENDPOINT:-http://localhost:8000}")
  String endpoint;

  @Option(names = "--user", paramLabel = "NAME:PASSWORD", description = "Credentials when auth is on.",
      defaultValue = "${env:JTORK_USER}")
  String user;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** The node's answer: its status and its JSON body. */
  record Answer(int status, JsonNode body) {
    /** The error message the API gave, or what happened. */
    String message() {
      return body.path("message").asText("answered " + status);
    }
  }

  /** Sends {@code method path} (no body); an unreachable node or a body that is not JSON throws. */
  Answer send(String method, String path) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(endpoint.replaceAll("/+$", "") + path))
        .timeout(Duration.ofSeconds(30)).method(method, HttpRequest.BodyPublishers.noBody());
    if (user != null && !user.isBlank()) {
      b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(user.getBytes(StandardCharsets.UTF_8)));
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Answer(r.statusCode(), Json.json().readTree(r.body()));
  }
}
