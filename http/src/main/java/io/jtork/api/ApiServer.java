package io.jtork.api;

import io.jtork.node.JtorkNode;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;

/** Binds the API of a node on its configured interface and port. */
public final class ApiServer implements AutoCloseable {
  private final ServerBinding binding;

  private ApiServer(ServerBinding binding) {
    this.binding = binding;
  }

  public static ApiServer start(JtorkNode node) throws Exception {
    ServerBinding b = Http.get(node.system())
        .newServerAt(node.settings().httpInterface(), node.settings().httpPort())
        .bind(new ApiRoutes(node).routes())
        .toCompletableFuture().get(30, TimeUnit.SECONDS);
    return new ApiServer(b);
  }

  public int port() {
    return binding.localAddress().getPort();
  }

  @Override
  public void close() {
    try {
      binding.terminate(Duration.ofSeconds(5)).toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      // the node is going down anyway
    }
  }
}
