package io.jtork.migration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.jtork.event.TaskFailed;
import org.apache.pekko.serialization.jackson.JacksonMigration;

/**
 * {@link TaskFailed} version 1 to 2: version 1 had no {@code cause}. For a version 1 event the
 * cause is read from the error's words, which jtork wrote in a fixed form for each engine-decided
 * failure; any other error was the task's own (exit codes, runtime errors), as it was classified
 * before {@code cause} existed.
 */
public final class TaskFailedMigration extends JacksonMigration {
  @Override
  public int currentVersion() {
    return TaskFailed.SCHEMA_VERSION;
  }

  @Override
  public JsonNode transform(int fromVersion, JsonNode json) {
    if (fromVersion < 2 && json instanceof ObjectNode event && !event.hasNonNull("cause")) {
      event.put("cause", causeOf(event.path("error").asText("")).name());
    }
    return json;
  }

  static TaskFailed.Cause causeOf(String error) {
    if (error.startsWith("worker lost")) return TaskFailed.Cause.WORKER_LOST;
    if (error.startsWith("timeout: worker")) return TaskFailed.Cause.DEADLINE;
    if (error.startsWith("timeout:")) return TaskFailed.Cause.TIMEOUT;
    if (error.startsWith("no worker took")) return TaskFailed.Cause.NOT_DISPATCHED;
    if (error.startsWith("task redelivered")) return TaskFailed.Cause.REDELIVERIES;
    return TaskFailed.Cause.TASK;
  }
}
