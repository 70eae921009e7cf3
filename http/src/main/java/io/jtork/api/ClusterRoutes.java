package io.jtork.api;

import io.jtork.metrics.JtorkMetrics;
import io.jtork.model.JobState;
import io.jtork.node.ClusterInfo;
import io.jtork.node.JtorkNode;
import io.jtork.store.JobReadModel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The cluster as the API shows it: {@code /nodes}, {@code /cluster}, {@code /queues}, and
 * {@code /metrics}, Tork's JSON or, when a scraper asks for it, this node's Prometheus metrics
 * (also at {@code /prometheus}).
 */
final class ClusterRoutes extends AllDirectives {
  private final ApiDirectives api;
  private final ClusterInfo clusterInfo;
  private final JobReadModel readModel;
  private final JtorkMetrics metrics;
  private static final String OPEN_METRICS = "application/openmetrics-text";
  private static final String OPEN_METRICS_1 = OPEN_METRICS + "; version=1.0.0; charset=utf-8";
  private static final String TEXT_004 = "text/plain; version=0.0.4; charset=utf-8";

  ClusterRoutes(JtorkNode node, ApiDirectives api) {
    this.api = api;
    this.clusterInfo = new ClusterInfo(node.system(), Duration.ofSeconds(3));
    this.readModel = node.readModel();
    this.metrics = JtorkMetrics.get(node.system());
  }

  Route route() {
    return concat(
        path("nodes", () -> get(this::nodes)),
        path("cluster", () -> get(this::cluster)),
        pathPrefix("queues", () -> concat(
            pathEnd(() -> get(this::queues)),
            path(PathMatchers.segment(), name -> get(() -> queue(name))))),
        path("metrics", () -> get(() -> optionalHeaderValueByName("Accept", accept ->
            accept.filter(ClusterRoutes::wantsPrometheus).isPresent() ? prometheus(accept.get()) : metrics()))),
        path("prometheus", () -> get(() -> optionalHeaderValueByName("Accept", accept ->
            prometheus(accept.orElse(TEXT_004))))));
  }

  /**
   * Whether a {@code GET /metrics} asks for Prometheus's formats (a scraper's {@code Accept}); Tork's
   * JSON stays the answer to everyone else.
   */
  static boolean wantsPrometheus(String accept) {
    String a = accept.toLowerCase(Locale.ROOT);
    return a.contains(OPEN_METRICS) || a.contains("text/plain") && a.contains("version=0.0.4");
  }

  /** The node's metrics in Prometheus's text format, or OpenMetrics when {@code accept} asks for it. */
  private Route prometheus(String accept) {
    String contentType = accept.toLowerCase(Locale.ROOT).contains(OPEN_METRICS) ? OPEN_METRICS_1 : TEXT_004;
    return api.respond(api.blocking(() -> HttpResponse.create().withEntity(
        HttpEntities.create(ContentTypes.parse(contentType), metrics.scrape(contentType).getBytes(StandardCharsets.UTF_8)))));
  }

  private Route nodes() {
    return api.respond(clusterInfo.nodes().thenApply(Responses::ok));
  }

  /** Beyond Tork: the cluster's members, their roles and status, and the shards each hosts. */
  private Route cluster() {
    return api.respond(clusterInfo.members().thenApply(Responses::ok));
  }

  private Route queues() {
    return api.respond(clusterInfo.queues().thenApply(Responses::ok));
  }

  /**
   * Tork: 404 {@code queue X not found}; here a queue exists while a worker serves it. Only then is
   * the queue asked (asking starts its entity, which should not happen for any name a client sends).
   */
  private Route queue(String name) {
    return api.respond(clusterInfo.nodes().thenCompose(nodes ->
        nodes.stream().anyMatch(n -> n.queues().containsKey(name))
            ? clusterInfo.queue(name).thenApply(Responses::ok)
            : CompletableFuture.completedFuture(Responses.notFound("queue " + name))));
  }

  /** Tork's {@code stats.go} shape: running jobs and tasks, online nodes and their mean CPU. */
  private Route metrics() {
    return api.respond(clusterInfo.nodes().thenCombine(api.blocking(() -> readModel.countInState(JobState.RUNNING)),
        (nodes, running) -> {
          double cpu = nodes.stream().mapToDouble(n -> n.cpuPercent()).average().orElse(0);
          return Responses.ok(Map.of("jobs", Map.of("running", running),
              "tasks", Map.of("running", nodes.stream().mapToInt(n -> n.taskCount()).sum()),
              "nodes", Map.of("online", nodes.stream().filter(n -> n.status().equals("UP")).count(),
                  "cpuPercent", Math.round(cpu * 100.0) / 100.0)));
        }));
  }
}
