package io.jtork.api;

import io.jtork.console.ConsoleRoutes;
import io.jtork.node.JtorkNode;
import io.jtork.projection.ReadYourWrites;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Tork's REST API: each resource's routes, behind the limits (CORS, rate), the database gate and
 * sign-in, with every error in Tork's JSON shape ({@link ApiErrors}); and the web console's files
 * ({@link ConsoleRoutes}), which need no sign-in.
 */
public final class ApiRoutes extends AllDirectives {
  private final ApiDirectives api;
  private final ApiErrors errors;
  private final HealthRoutes health;
  private final JobRoutes jobs;
  private final ScheduledJobRoutes scheduledJobs;
  private final TaskRoutes tasks;
  private final UserRoutes users;
  private final ClusterRoutes cluster;
  private final AdminRoutes admin;
  private final StreamRoutes streams;
  private final ConsoleRoutes console = new ConsoleRoutes();

  public ApiRoutes(JtorkNode node) {
    Executor blocking = node.system().dispatchers().lookup(DispatcherSelector.fromConfig("jtork.blocking-dispatcher"));
    DatabaseGate gate = new DatabaseGate(node.system(), node.database(), blocking, Duration.ofSeconds(1));
    this.errors = new ApiErrors(gate, node.settings().bodyLimitBytes(), node.askTimeout());
    this.api = new ApiDirectives(node, blocking, gate, errors);
    EventHistory history = new EventHistory(node.system(), node.redactor());
    ReadYourWrites shown = new ReadYourWrites(node.system(), node.readModel(), node.scheduledReadModel(), node.redactor(), blocking);
    this.health = new HealthRoutes(node, blocking);
    this.jobs = new JobRoutes(node, api, history, shown);
    this.scheduledJobs = new ScheduledJobRoutes(node, api, history, shown);
    this.tasks = new TaskRoutes(node, api, jobs);
    this.users = new UserRoutes(node.users(), api);
    this.cluster = new ClusterRoutes(node, api);
    this.admin = new AdminRoutes(node, api, blocking);
    this.streams = new StreamRoutes(node, api, jobs, history, blocking);
  }

  public Route routes() {
    return api.measured(() -> api.limits(() -> withErrors(() -> concat(
        health.route(),
        console.route(),
        api.databaseUp(() -> api.authenticated(who -> concat(
            streams.route(who),
            jobs.route(who),
            scheduledJobs.route(who),
            tasks.route(who),
            users.route(who),
            cluster.route(),
            admin.route(who))))))));
  }

  /**
   * {@code GET /health} alone, for the management port: no rate limit, no CORS, nothing else
   * (see docs/connections.md).
   */
  public Route healthOnly() {
    return withErrors(health::route);
  }

  /** Exceptions and rejections answered as Tork's JSON errors. */
  private Route withErrors(Supplier<Route> inner) {
    return handleExceptions(errors.exceptions(), () -> handleRejections(errors.rejections(), inner));
  }
}
