package io.jtork.api;

import io.jtork.node.HttpConnections;
import io.jtork.node.JtorkNode;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.settings.ServerSettings;
import scala.concurrent.duration.FiniteDuration;

/**
 * Binds the API of a node on its configured interface and port, and, when
 * {@code jtork.http.management-port} is set, {@code /health} alone on that port. Both bindings
 * hold at most {@code jtork.http.max-connections} connections, close idle ones after
 * {@code idle-timeout}, and close connections that send no complete request head within
 * {@code header-timeout} ({@link RequestHeadTimeout}); see docs/connections.md.
 */
public final class ApiServer implements AutoCloseable {
  private final ServerBinding binding;
  private final ServerBinding management;

  private ApiServer(ServerBinding binding, ServerBinding management) {
    this.binding = binding;
    this.management = management;
  }

  public static ApiServer start(JtorkNode node) throws Exception {
    HttpConnections limits = node.settings().httpConnections();
    ApiRoutes routes = new ApiRoutes(node);
    ServerBinding api = bind(node, node.settings().httpPort(), routes.routes(), limits);
    ServerBinding management = null;
    if (limits.managementPort() != null) {
      try {
        management = bind(node, limits.managementPort(), routes.healthOnly(), limits);
      } catch (Exception e) {
        unbind(api);
        throw e;
      }
    }
    return new ApiServer(api, management);
  }

  private static ServerBinding bind(JtorkNode node, int port, Route route, HttpConnections limits)
      throws Exception {
    return Http.get(node.system())
        .newServerAt(node.settings().httpInterface(), port)
        .adaptSettings(s -> withLimits(s, limits))
        // bindFlow materializes the handler flow once per accepted connection: the head timer's clock.
        .bindFlow(RequestHeadTimeout.around(route.flow(node.system()), limits.headerTimeout(), limits.idleTimeout()))
        .toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static ServerSettings withLimits(ServerSettings s, HttpConnections limits) {
    return s.withMaxConnections(limits.maxConnections())
        .withTimeouts(s.getTimeouts().withIdleTimeout(finite(limits.idleTimeout())));
  }

  private static FiniteDuration finite(Duration d) {
    return FiniteDuration.create(d.toMillis(), TimeUnit.MILLISECONDS);
  }

  public int port() {
    return binding.localAddress().getPort();
  }

  /** The management port's actual port (when configured 0, the one picked), if it is on. */
  public OptionalInt managementPort() {
    return management == null ? OptionalInt.empty() : OptionalInt.of(management.localAddress().getPort());
  }

  @Override
  public void close() {
    if (management != null) unbind(management);
    unbind(binding);
  }

  private static void unbind(ServerBinding b) {
    try {
      b.terminate(Duration.ofSeconds(5)).toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      // the node is going down anyway
    }
  }
}
