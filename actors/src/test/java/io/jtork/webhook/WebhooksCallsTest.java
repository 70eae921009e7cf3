package io.jtork.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.jtork.event.JobAdvanced;
import io.jtork.event.JobCompleted;
import io.jtork.event.JobEvent;
import io.jtork.event.JobStarted;
import io.jtork.event.JobSubmitted;
import io.jtork.event.TaskCompleted;
import io.jtork.event.TaskCreated;
import io.jtork.event.TaskProgressed;
import io.jtork.event.TaskStarted;
import io.jtork.expr.Expressions;
import io.jtork.json.Json;
import io.jtork.model.Job;
import io.jtork.model.Task;
import io.jtork.model.UserRef;
import io.jtork.model.WebhookCall;
import io.jtork.redact.Redactor;
import io.jtork.spec.JobSpec;
import io.jtork.spec.JobSpecReader;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The calls each kind of event owes, decided from the event and the execution it touches: a task
 * webhook fires for the execution created or changed, never for the others of the job.
 */
class WebhooksCallsTest {
  private static final Instant AT = Instant.parse("2026-11-29T10:00:00Z");
  private final Webhooks webhooks = new Webhooks(new Expressions(), Redactor.defaults());

  /** A job with the given webhooks and two executions, "a" RUNNING and "b" SCHEDULED. */
  private static Job job(String hooks) throws Exception {
    JobSpec spec = JobSpecReader.readJob("name: j\ntasks:\n- name: t\n  run: echo hi\n- name: u\n  run: echo hi\n"
        + "webhooks:\n" + hooks, JobSpecReader.Format.YAML);
    Job job = new JobSubmitted("j1", spec, UserRef.GUEST, null, null, AT).applyTo(Job.empty("j1"));
    job = new JobStarted(AT).applyTo(job);
    job = new TaskCreated(Task.created("a", "j1", null, 1, spec.tasks().get(0), 0, AT)).applyTo(job);
    job = new TaskStarted("a", 1, "n1", "addr#1", AT).applyTo(job);
    return new TaskCreated(Task.created("b", "j1", null, 2, spec.tasks().get(1), 0, AT)).applyTo(job);
  }

  private List<WebhookCall> calls(Job before, JobEvent e) {
    return webhooks.calls(e, before, e.applyTo(before));
  }

  private static JsonNode payload(WebhookCall c) {
    return Json.read(c.payload(), JsonNode.class);
  }

  @Test
  void aTaskStateWebhookFiresForTheExecutionTheEventChangedOnly() throws Exception {
    Job job = job("- url: http://127.0.0.1:9/hook\n  event: task.StateChange\n");
    List<WebhookCall> started = calls(job, new TaskStarted("b", 1, "n1", "addr#1", AT));
    assertThat(started).singleElement().satisfies(c -> {
      assertThat(c.event()).isEqualTo("task.StateChange");
      assertThat(payload(c).path("id").asText()).isEqualTo("b");
      assertThat(payload(c).path("state").asText()).isEqualTo("RUNNING");
    });
    assertThat(calls(job, new TaskCompleted("a", "hi", AT))).singleElement()
        .satisfies(c -> assertThat(payload(c).path("id").asText()).isEqualTo("a"));
    Task created = Task.created("c", "j1", null, 2, job.spec().tasks().get(1), 1, AT);
    assertThat(calls(job, new TaskCreated(created))).singleElement()
        .satisfies(c -> assertThat(payload(c).path("id").asText()).isEqualTo("c"));
    assertThat(calls(job, new TaskProgressed("a", 50, 25, AT))).as("progress is not a state change").isEmpty();
    assertThat(calls(job, new JobAdvanced(2, 50, null, null, AT))).as("no execution changed").isEmpty();
  }

  @Test
  void aTaskProgressWebhookFiresWhenTheExecutionsProgressChanged() throws Exception {
    Job job = job("- url: http://127.0.0.1:9/hook\n  event: task.Progress\n");
    assertThat(calls(job, new TaskProgressed("a", 50, 25, AT))).singleElement().satisfies(c -> {
      assertThat(payload(c).path("id").asText()).isEqualTo("a");
      assertThat(payload(c).path("progress").asDouble()).isEqualTo(50.0);
    });
    assertThat(calls(job, new TaskStarted("b", 1, "n1", "addr#1", AT))).isEmpty();
  }

  @Test
  void aJobStateWebhookFiresOnTheJobsStateOnly() throws Exception {
    Job job = job("- url: http://127.0.0.1:9/hook\n");
    assertThat(calls(job, new TaskStarted("b", 1, "n1", "addr#1", AT))).isEmpty();
    assertThat(calls(job, new JobCompleted("done", null, AT))).singleElement().satisfies(c -> {
      assertThat(c.event()).isEqualTo("job.StateChange");
      assertThat(payload(c).path("state").asText()).isEqualTo("COMPLETED");
    });
  }
}
