package io.jtork.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.module.paramnames.ParameterNamesModule;
import io.jtork.event.EachExpanded;
import io.jtork.event.JobAdvanced;
import io.jtork.event.JobCompleted;
import io.jtork.event.JobEvent;
import io.jtork.event.JobFailed;
import io.jtork.event.JobRestarted;
import io.jtork.event.JobRunning;
import io.jtork.event.JobStarted;
import io.jtork.event.JobSubmitted;
import io.jtork.event.TaskCompleted;
import io.jtork.event.TaskCreated;
import io.jtork.event.TaskFailed;
import io.jtork.event.TaskOutputStored;
import io.jtork.event.TaskProgressed;
import io.jtork.event.TaskStarted;
import io.jtork.event.WebhookAttempted;
import io.jtork.event.WebhookQueued;
import io.jtork.json.Json;
import io.jtork.spec.JobSpec;
import io.jtork.spec.JobSpecReader;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A job's JSON is the form of its snapshots in the database and of the replies between nodes:
 * what is written must stay what it was, and what was written must still read back. A job with
 * every field set, built through its events, is written as each mapper writes it and compared with
 * the golden files under {@code src/test/resources/io/jtork/model/}, and those files read back
 * equal to it.
 *
 * <p>Pekko serializes a job with its own mapper, whose settings are copied here from
 * pekko-serialization-jackson's {@code reference.conf} and {@code conf/serialization.conf}
 * (persistence has no Pekko): {@code snapshot} is {@code jtork-snapshot} (CBOR there, the same
 * tree; timestamps as numbers), {@code message} is {@code jackson-json} (ISO timestamps, nulls
 * written). {@code app} is {@link Json#json()}, the application's mapper. To write the files anew (only for a deliberate
 * change of the form): {@code -Djtork.golden.write=true}.
 */
class JobJsonTest {
  private static final Instant AT = Instant.parse("2026-11-29T19:04:09.824110739Z");

  /** Pekko's Jackson settings (reference.conf: modules, features, {@code visibility.FIELD = ANY}). */
  private static ObjectMapper pekko(boolean datesAsTimestamps) {
    return JsonMapper.builder()
        .addModule(new ParameterNamesModule())
        .addModule(new Jdk8Module())
        .addModule(new JavaTimeModule())
        .configure(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS, datesAsTimestamps)
        .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
        .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .visibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY)
        .build();
  }

  private static ObjectMapper mapper(String form) {
    return switch (form) {
      case "snapshot" -> pekko(true);
      case "message" -> pekko(false);
      case "app" -> Json.json();
      default -> throw new IllegalArgumentException(form);
    };
  }

  /** A job with every field set: spec, creator, schedule, all timestamps, executions, outbox, an each. */
  static Job job() throws Exception {
    JobSpec spec = JobSpecReader.readJob("""
        name: golden
        description: every field of a job
        inputs: {who: world}
        secrets: {token: s3cr3t}
        webhooks:
        - url: http://localhost:9/hook
          event: job.StateChange
        tasks:
        - name: greet
          var: greeting
          run: echo hello {{ inputs.who }}
        - name: fan out
          each:
            list: "{{ sequence(0, 3) }}"
            concurrency: 1
            task: {name: "t{{ item.index }}", run: "true"}
        """, JobSpecReader.Format.YAML);
    UserRef creator = new UserRef("u1", "Ann", "ann", AT.minusSeconds(86_400), false);
    ScheduleRef schedule = new ScheduleRef("s1", "0 * * * *", AT.minusSeconds(1));
    Task greet = Task.created("t1", "j1", null, 1, spec.tasks().get(0), 0, AT.plusMillis(1));
    Task each = Task.created("t2", "j1", null, 2, spec.tasks().get(1), 0, AT.plusMillis(5));
    Task child = Task.created("t3", "j1", "t2", 0, spec.tasks().get(1).each().task(), 0, AT.plusMillis(7));
    List<JobEvent> events = List.of(
        new JobSubmitted("j1", spec, creator, "p1", schedule, AT),
        new JobStarted(AT.plusMillis(1)),
        new TaskCreated(greet),
        new JobRunning(AT.plusMillis(2)),
        new TaskStarted("t1", 1, "n1", "pekko://jtork@127.0.0.1:1#1", AT.plusMillis(3)),
        new TaskProgressed("t1", 50, 25, AT.plusMillis(3)),
        new TaskCompleted("t1", "hello world", AT.plusMillis(4)),
        new TaskOutputStored("greeting", "hello world", AT.plusMillis(4)),
        new JobAdvanced(2, 50, "greeting", "hello world", AT.plusMillis(4)),
        new WebhookQueued(new WebhookCall("j1-1", 0, "job.StateChange", "{\"state\":\"RUNNING\"}", 0),
            AT.plusMillis(4)),
        new WebhookQueued(new WebhookCall("j1-2", 0, "job.Progress", "{\"progress\":50}", 0), AT.plusMillis(4)),
        new WebhookAttempted("j1-1", "http://localhost:9/hook", 1, 204, null, true, AT.plusMillis(5)),
        new WebhookAttempted("j1-2", "http://localhost:9/hook", 1, 503, "unavailable", false, AT.plusMillis(5)),
        new TaskCreated(each),
        new EachExpanded("t2", List.of("a", 2, Map.of("k", "v")), "item", Map.of("outer", "x"), AT.plusMillis(6)),
        new TaskCreated(child),
        new TaskFailed("t3", "exit code 1", TaskFailed.Cause.TASK, "n1", AT.plusMillis(8)),
        new JobFailed("task t3 failed", AT.plusMillis(9)),
        new JobRestarted("ann", AT.plusMillis(10)),
        new JobCompleted("done", AT.plusSeconds(3600), AT.plusMillis(11)),
        new JobFailed("failed after it completed", AT.plusMillis(12)));
    Job job = Job.empty("j1");
    for (JobEvent e : events) job = e.applyTo(job);
    return job;
  }

  private static Path golden(String form) {
    return Path.of("src/test/resources/io/jtork/model/job." + form + ".json");
  }

  private static String goldenText(String form) throws Exception {
    try (InputStream in = JobJsonTest.class.getResourceAsStream("job." + form + ".json")) {
      assertThat(in).as("golden file " + golden(form)).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) names.add(it.next());
    return names;
  }

  @ParameterizedTest
  @ValueSource(strings = {"snapshot", "message", "app"})
  void aJobIsWrittenAsTheGoldenFileSaysAndReadsBackEqual(String form) throws Exception {
    ObjectMapper m = mapper(form);
    Job job = job();
    String written = m.writerWithDefaultPrettyPrinter().writeValueAsString(job);
    if (Boolean.getBoolean("jtork.golden.write")) {
      Files.createDirectories(golden(form).getParent());
      Files.writeString(golden(form), written + "\n");
    }
    String text = goldenText(form);
    JsonNode expected = m.readTree(text);
    JsonNode actual = m.readTree(written);
    // as trees: the maps of a job's context come from Map.of, whose order changes from run to run
    assertThat(actual).isEqualTo(expected);
    assertThat(fieldNames(actual)).as("the job's properties, flat and in order").isEqualTo(fieldNames(expected));

    Job back = m.readValue(text, Job.class);
    assertThat(back).isEqualTo(job);
    assertThat(m.readTree(m.writeValueAsString(back))).isEqualTo(expected);
  }
}
