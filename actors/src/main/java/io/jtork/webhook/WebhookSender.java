package io.jtork.webhook;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * One attempt at a webhook call, as Tork makes it: a JSON POST with a 5 s timeout; 2xx is
 * delivered; network errors, 429, 500, 502, 503 and 504 may be retried; anything else is final.
 * Unless {@code denyLinkLocal} is off, a URL whose host resolves to a link-local address
 * (169.254.0.0/16, fe80::/10, where clouds serve instance metadata and credentials) or names a
 * known metadata service is refused without a request.
 */
public final class WebhookSender {
  private static final Set<String> METADATA_HOSTS = Set.of("metadata.google.internal", "metadata", "metadata.azure.com",
      "instance-data", "instance-data.ec2.internal");
  private static final Set<String> METADATA_ADDRESSES = Set.of("100.100.100.200", "fd00:ec2:0:0:0:0:0:254");
  private static final Set<Integer> RETRYABLE = Set.of(429, 500, 502, 503, 504);

  private final HttpClient http;
  private final Executor lookups;
  private final boolean denyLinkLocal;
  private final Duration timeout;

  public WebhookSender(Executor lookups, boolean denyLinkLocal, Duration timeout) {
    this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    this.lookups = lookups;
    this.denyLinkLocal = denyLinkLocal;
    this.timeout = timeout;
  }

  /** What an attempt came to. {@code status} is null when no response came. */
  public record Outcome(Integer status, String error, boolean retryable) {
    public boolean delivered() {
      return status != null && status >= 200 && status < 300;
    }
  }

  public CompletionStage<Outcome> send(Webhooks.Request request, String deliveryId, boolean redelivery) {
    URI uri;
    try {
      uri = URI.create(request.url());
    } catch (IllegalArgumentException e) {
      return CompletableFuture.completedFuture(new Outcome(null, "invalid URL: " + e.getMessage(), false));
    }
    return CompletableFuture.supplyAsync(() -> denied(uri), lookups).thenCompose(denial -> {
      if (denial != null) return CompletableFuture.completedFuture(new Outcome(null, denial, false));
      HttpRequest.Builder b;
      try {
        b = HttpRequest.newBuilder(uri).timeout(timeout)
            .header("Content-Type", "application/json; charset=UTF-8")
            .header("X-Jtork-Delivery", deliveryId)
            .POST(HttpRequest.BodyPublishers.ofString(request.body()));
        if (redelivery) b.header("X-Jtork-Redelivery", "true");
        request.headers().forEach(b::header);
      } catch (IllegalArgumentException e) {
        return CompletableFuture.completedFuture(new Outcome(null, "invalid request: " + e.getMessage(), false));
      }
      return http.sendAsync(b.build(), HttpResponse.BodyHandlers.discarding())
          .handle((response, error) -> {
            if (error != null) {
              Throwable cause = error.getCause() != null ? error.getCause() : error;
              return new Outcome(null, cause.getClass().getSimpleName() + ": " + cause.getMessage(), true);
            }
            int status = response.statusCode();
            return new Outcome(status, null, RETRYABLE.contains(status));
          });
    });
  }

  /** Why the URL may not be called, or null. */
  private String denied(URI uri) {
    if (!denyLinkLocal) return null;
    String host = uri.getHost();
    if (host == null) return "the URL has no host";
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) h = h.substring(1, h.length() - 1);
    if (METADATA_HOSTS.contains(h)) return "webhook host " + host + " is a cloud metadata service and is denied";
    try {
      for (InetAddress a : List.of(InetAddress.getAllByName(h))) {
        if (a.isLinkLocalAddress() || METADATA_ADDRESSES.contains(a.getHostAddress())) {
          return "webhook host " + host + " resolves to " + a.getHostAddress()
              + ", a link-local or metadata address, which is denied (jtork.webhooks.deny-link-local)";
        }
      }
    } catch (UnknownHostException e) {
      return null; // the request reports it, and it may resolve on a later attempt
    }
    return null;
  }
}
