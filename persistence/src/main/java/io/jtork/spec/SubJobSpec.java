package io.jtork.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/** A composite task that starts another job; {@code detached} makes it fire-and-forget. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record SubJobSpec(
    String name,
    String description,
    List<TaskSpec> tasks,
    Map<String, String> inputs,
    Map<String, String> secrets,
    AutoDeleteSpec autoDelete,
    String output,
    Boolean detached,
    List<WebhookSpec> webhooks) {
  public SubJobSpec {
    tasks = Specs.list(tasks);
    inputs = Specs.map(inputs);
    secrets = Specs.map(secrets);
    webhooks = Specs.list(webhooks);
  }

  @Override
  public String toString() {
    return "SubJobSpec[name=" + name + ", secrets=" + secrets.keySet() + "]";
  }
}
