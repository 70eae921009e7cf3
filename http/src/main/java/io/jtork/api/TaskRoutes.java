package io.jtork.api;

import io.jtork.auth.Principal;
import io.jtork.model.Job;
import io.jtork.node.JtorkNode;
import io.jtork.redact.Redactor;
import io.jtork.store.JobReadModel;
import io.jtork.store.TaskLogStore;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/** {@code /tasks/{id}} and its log. A task is seen through its job: who may see the job may see its tasks. */
final class TaskRoutes extends AllDirectives {
  private final ApiDirectives api;
  private final JobRoutes jobs;
  private final JobReadModel readModel;
  private final TaskLogStore logs;
  private final Redactor redactor;

  TaskRoutes(JtorkNode node, ApiDirectives api, JobRoutes jobs) {
    this.api = api;
    this.jobs = jobs;
    this.readModel = node.readModel();
    this.logs = node.logs();
    this.redactor = node.redactor();
  }

  Route route(Principal who) {
    return pathPrefix("tasks", () -> pathPrefix(PathMatchers.segment(), id -> concat(
        pathEnd(() -> get(() -> show(id, who))),
        path("log", () -> get(() -> log(id, who))))));
  }

  /** The job of the task with this id, if {@code who} may see it; else 404 "task not found". */
  private Route visibleJobOf(String id, Principal who, Function<Job, Route> inner) {
    return api.visible("task", id, who, taskId -> api.blocking(() -> readModel.jobIdOfTask(taskId))
        .thenCompose(jobId -> jobId.isEmpty() ? CompletableFuture.completedFuture(Optional.<Job>empty())
            : jobs.find(jobId.get())), job -> job.spec().permissions(), inner);
  }

  private Route show(String id, Principal who) {
    return visibleJobOf(id, who, job -> complete(job.task(id)
        .map(t -> Responses.ok(TaskView.of(t, job, redactor, redactor.secretValues(job))))
        .orElseGet(() -> Responses.notFound("task"))));
  }

  private Route log(String id, Principal who) {
    // The id first: a malformed one is a 404 before a bad page is a 400.
    return api.validId("task", id, () -> api.paged(25, 100, p -> parameterOptional("q", q -> visibleJobOf(id, who,
        job -> api.respond(api.blocking(() -> Responses.ok(TaskView.log(logs.forTask(id, p.page(), p.size(),
            q.orElse(null)), job, redactor))))))));
  }
}
