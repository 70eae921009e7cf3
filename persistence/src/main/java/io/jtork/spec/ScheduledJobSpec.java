package io.jtork.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * A scheduled job as submitted to {@code POST /scheduled-jobs} (Tork's {@code input.ScheduledJob}):
 * the fields of a job except {@code wait}, plus a required {@code schedule}. Each fire runs
 * {@link #job()}.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ScheduledJobSpec(
    String name,
    String description,
    List<String> tags,
    Map<String, String> inputs,
    Map<String, String> secrets,
    String output,
    DefaultsSpec defaults,
    List<WebhookSpec> webhooks,
    List<PermissionSpec> permissions,
    AutoDeleteSpec autoDelete,
    List<TaskSpec> tasks,
    ScheduleSpec schedule) {

  public ScheduledJobSpec {
    tags = Specs.list(tags);
    inputs = Specs.map(inputs);
    secrets = Specs.map(secrets);
    webhooks = Specs.list(webhooks);
    permissions = Specs.list(permissions);
    tasks = Specs.list(tasks);
  }

  /** The job each fire submits. */
  public JobSpec job() {
    return new JobSpec(name, description, tags, inputs, secrets, output, defaults, webhooks, permissions, autoDelete,
        null, tasks);
  }

  /** Secret values never appear in a string form of the spec (logs, dead letters). */
  @Override
  public String toString() {
    return "ScheduledJobSpec[name=" + name + ", cron=" + (schedule == null ? null : schedule.cron()) + ", tasks="
        + tasks.size() + ", secrets=" + secrets.keySet() + "]";
  }
}
