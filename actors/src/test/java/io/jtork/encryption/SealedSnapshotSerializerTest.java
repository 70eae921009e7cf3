package io.jtork.encryption;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.jtork.model.Job;
import io.jtork.model.JobContext;
import io.jtork.model.JobState;
import io.jtork.model.Task;
import io.jtork.model.UserRef;
import io.jtork.spec.JobSpec;
import io.jtork.spec.JobSpecReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;
import org.apache.pekko.testkit.javadsl.TestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Jobs (snapshots) are written as CBOR by {@link SealedSnapshotSerializer}, compressed when large
 * and sealed with a key; they read back equal, timestamps to the nanosecond; snapshots written as
 * JSON before it stay readable.
 */
class SealedSnapshotSerializerTest {
  static final String KEY = "q8Zb3m1xV0c9yJ2rT5uW7eH4kL6nP8sD0fG2hJ4kL6M=";
  static final String SECRET = "snap-s3cr3t-42";
  private final List<ActorSystem> systems = new ArrayList<>();

  private Serialization serialization(String key) {
    Config config = ConfigFactory.parseMap(Map.of("pekko.actor.provider", "local", "jtork.secrets.key", key))
        .withFallback(ConfigFactory.load());
    ActorSystem system = ActorSystem.create("snapshots", config);
    systems.add(system);
    return SerializationExtension.get(system);
  }

  @AfterEach
  void stop() {
    systems.forEach(TestKit::shutdownActorSystem);
  }

  /** A finished job with {@code n} executions, its secret in the spec and the context. */
  static Job job(int n) throws Exception {
    JobSpec spec = JobSpecReader.readJob("""
        name: snapshot me
        secrets: {token: %s}
        tasks:
        - name: fan out
          each:
            list: "{{ sequence(0, %d) }}"
            task: {name: "t{{ item.index }}", run: "true"}
        """.formatted(SECRET, n), JobSpecReader.Format.YAML);
    Instant at = Instant.parse("2026-11-29T19:04:09.824110739Z");
    List<Task> tasks = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Instant t = at.plusNanos(i * 1_000_001L);
      tasks.add(Task.created("task" + i, "job1", i == 0 ? null : "task0", i, spec.tasks().get(0), 0, t)
          .started(1, "n1", "pekko://jtork@127.0.0.1:1#1", t.plusNanos(7))
          .completed("out " + i, t.plusMillis(3).plusNanos(11)));
    }
    return new Job("job1", null, spec, JobState.COMPLETED, UserRef.GUEST, at, at, at.plusSeconds(30), null, null, 1,
        1, 100, "done", null, new JobContext(Map.of("id", "job1"), Map.of(), Map.of("token", SECRET), Map.of()),
        tasks, null, List.of(), null);
  }

  private static boolean contains(byte[] hay, String needle) {
    return new String(hay, StandardCharsets.ISO_8859_1).contains(needle);
  }

  @Test
  void aJobIsCborCompressedWhenLargeAndReadsBackEqual() throws Exception {
    Serialization s = serialization("");
    for (int n : new int[] {2, 2_000}) {
      Job job = job(n);
      var serializer = s.findSerializerFor(job);
      assertThat(serializer).isInstanceOf(SealedSnapshotSerializer.class);
      assertThat(serializer.identifier()).isEqualTo(730_502);
      byte[] bytes = s.serialize(job).get();
      if (n == 2) {
        // CBOR: an object (major type 5) with the texts as they are, timestamps as numbers
        assertThat(bytes[0] & 0xE0).as("CBOR map").isEqualTo(0xA0);
        assertThat(contains(bytes, "snapshot me")).isTrue();
        assertThat(contains(bytes, "2026-11-29")).as("no ISO timestamp").isFalse();
        assertThat(contains(bytes, "topLevel")).as("only the records' fields").isFalse();
      } else {
        // Pekko's LZ4 framing (magic 0x87D96DF6) above 32 KiB
        assertThat(bytes[0] & 0xFF).isEqualTo(0x87);
        assertThat(bytes.length).as("compressed").isLessThan(n * 100);
      }
      Job back = (Job) s.deserialize(bytes, serializer.identifier(), Serializers.manifestFor(serializer, job)).get();
      assertThat(back).isEqualTo(job);
      assertThat(back.execution().get(n - 1).completedAt()).isEqualTo(job.execution().get(n - 1).completedAt());
      assertThat(back.executions().find("task" + (n - 1))).isPresent();
    }
  }

  @Test
  void withAKeyTheSnapshotIsSealedAndNeedsTheKey() throws Exception {
    Serialization sealed = serialization(KEY);
    Job job = job(3);
    var serializer = sealed.findSerializerFor(job);
    byte[] bytes = sealed.serialize(job).get();
    assertThat(bytes[0]).isEqualTo(SealedJacksonSerializer.SEALED);
    assertThat(contains(bytes, SECRET)).isFalse();
    assertThat(contains(bytes, "snapshot me")).isFalse();
    String manifest = Serializers.manifestFor(serializer, job);
    assertThat(sealed.deserialize(bytes, 730_502, manifest).get()).isEqualTo(job);
    assertThatThrownBy(() -> serialization("").deserialize(bytes, 730_502, manifest).get())
        .hasMessageContaining("jtork.secrets.key is not set");
  }

  @Test
  void aSnapshotWrittenAsJsonBeforeStaysReadable() throws Exception {
    for (String key : new String[] {"", KEY}) {
      Serialization s = serialization(key);
      Job job = job(50);
      var json = (SealedJsonSerializer) s.serializerFor(io.jtork.serialization.JtorkSerializable.class);
      byte[] old = json.toBinary(job);
      if (key.isEmpty()) assertThat(new String(old, StandardCharsets.UTF_8)).startsWith("{\"id\":\"job1\"");
      assertThat(s.deserialize(old, 730_501, json.manifest(job)).get()).isEqualTo(job);
    }
  }
}
