package io.jtork.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * A job as submitted to {@code POST /jobs} (Tork's {@code input.Job}). Tasks run in order;
 * {@code output} is a template evaluated into the job's result when it completes.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record JobSpec(
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
    @JsonProperty("wait") WaitSpec waitFor,
    List<TaskSpec> tasks) {

  public JobSpec {
    tags = Specs.list(tags);
    inputs = Specs.map(inputs);
    secrets = Specs.map(secrets);
    webhooks = Specs.list(webhooks);
    permissions = Specs.list(permissions);
    tasks = Specs.list(tasks);
  }

  /** Secret values never appear in a string form of the spec (logs, dead letters). */
  @Override
  public String toString() {
    return "JobSpec[name=" + name + ", tasks=" + tasks.size() + ", secrets=" + secrets.keySet() + "]";
  }
}
