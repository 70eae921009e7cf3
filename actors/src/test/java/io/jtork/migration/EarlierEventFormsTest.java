package io.jtork.migration;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.jtork.event.TaskFailed;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Events in the forms earlier jtork versions wrote, through the node's own serialization
 * (conf/serialization.conf). TaskFailed: written as version 2 with its cause, and version 1 bytes
 * (no cause, no version in the manifest) read with the cause its error's words give, for each
 * failure jtork used to write in a fixed form. JobSubmitted: a field jtork no longer writes.
 */
class EarlierEventFormsTest {
  private static ActorTestKit kit;

  @BeforeAll
  static void start() {
    kit = ActorTestKit.create("migration", ConfigFactory.parseString("pekko.actor.provider = local")
        .withFallback(ConfigFactory.load()));
  }

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  @Test
  void aNewEventIsWrittenAsVersionTwoWithItsCause() {
    var serialization = SerializationExtension.get(kit.system().classicSystem());
    TaskFailed event = new TaskFailed("t1", "worker lost: node n1 left", TaskFailed.Cause.WORKER_LOST, "n1",
        Instant.parse("2026-11-29T10:00:00Z"));
    var serializer = serialization.findSerializerFor(event);
    assertThat(Serializers.manifestFor(serializer, event)).isEqualTo("io.jtork.event.TaskFailed#2");
    byte[] bytes = serialization.serialize(event).get();
    assertThat(new String(bytes, StandardCharsets.UTF_8)).contains("\"cause\":\"WORKER_LOST\"")
        .contains("\"nodeId\":\"n1\"");
    assertThat(serialization.deserialize(bytes, serializer.identifier(), "io.jtork.event.TaskFailed#2").get())
        .isEqualTo(event);
  }

  /** Until 2026-11-30 every task's limits were written with {@code "empty": false}; such events still read. */
  @Test
  void aSubmissionWrittenWithTheLimitsEmptyFieldIsStillRead() throws Exception {
    var serialization = SerializationExtension.get(kit.system().classicSystem());
    var spec = io.jtork.spec.JobSpecReader.readJob("name: old\ntasks:\n- name: a\n  limits: {cpus: \".5\", memory: 64m}\n",
        io.jtork.spec.JobSpecReader.Format.YAML);
    var event = new io.jtork.event.JobSubmitted("j1", spec, null, null, null, Instant.parse("2026-11-29T10:00:00Z"));
    var serializer = serialization.findSerializerFor(event);
    String written = new String(serialization.serialize(event).get(), StandardCharsets.UTF_8);
    assertThat(written).contains("\"limits\":{\"cpus\":\".5\",\"memory\":\"64m\"}");
    byte[] old = written.replace("\"memory\":\"64m\"}", "\"memory\":\"64m\",\"empty\":false}").getBytes(StandardCharsets.UTF_8);
    assertThat(serialization.deserialize(old, serializer.identifier(), Serializers.manifestFor(serializer, event)).get())
        .isEqualTo(event);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "exit code 1: boom | TASK",
      "step \"pre\": exit code 2 | TASK",
      "timeout: the task ran longer than its timeout of 1s (context deadline exceeded) | TIMEOUT",
      "timeout: worker n1 gave no result within 6s (context deadline exceeded) | DEADLINE",
      "worker lost: node n1 left the cluster while the task ran | WORKER_LOST",
      "no worker took the task from queue \"default\" within 1m (jtork.task.queue-timeout) | NOT_DISPATCHED",
      "task redelivered too many times: worker lost: node n1 left | REDELIVERIES"})
  void aVersionOneEventIsReadWithTheCauseItsErrorGives(String error, TaskFailed.Cause cause) {
    var serialization = SerializationExtension.get(kit.system().classicSystem());
    int id = serialization.findSerializerFor(new TaskFailed("t", "e", cause, null, Instant.EPOCH)).identifier();
    String v1 = "{\"type\":\"TaskFailed\",\"taskId\":\"t1\",\"error\":" + io.jtork.json.Json.write(error)
        + ",\"at\":\"2026-11-29T11:37:41.811139780Z\"}";
    Object read = serialization.deserialize(v1.getBytes(StandardCharsets.UTF_8), id, "io.jtork.event.TaskFailed").get();
    assertThat(read).isEqualTo(new TaskFailed("t1", error, cause, null, Instant.parse("2026-11-29T11:37:41.811139780Z")));
  }
}
