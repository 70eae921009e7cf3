package io.jtork.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jtork.node.JtorkNode;
import io.jtork.node.NodeConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** With {@code jtork.secrets.key}, no secret value reaches the database; without one, the same scan finds it. */
class SecretsAtRestTest {
  /** A 32-byte AES key, base64 (a test key, used nowhere else). */
  static final String KEY = "q8Zb3m1xV0c9yJ2rT5uW7eH4kL6nP8sD0fG2hJ4kL6M=";
  static final String SECRET = "zq-s3cr3t-at-rest-91";
  static final String PASSWORD = "pw-at-rest-77";
  /** A literal under a secret-looking env key: secret too. */
  static final String ENV_PASSWORD = "pw-literal-at-rest-55";

  private static String run(TestNode n) {
    String id = n.submit("""
        name: secret at rest
        secrets: {token: %s}
        inputs: {DB_PASSWORD: %s}
        output: "{{ tasks.out }}"
        tasks:
        - name: uses it
          var: out
          env: {TOKEN: "{{ secrets.token }}", PW: "{{ inputs.DB_PASSWORD }}", MY_PASSWORD: %s}
          run: echo "token $TOKEN pw $PW $MY_PASSWORD"; echo -n "$TOKEN $MY_PASSWORD" > $TORK_OUTPUT
        """.formatted(SECRET, PASSWORD, ENV_PASSWORD));
    assertThat(n.awaitState(id, "COMPLETED", "FAILED").get("state").asText()).isEqualTo("COMPLETED");
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> n.get("/jobs/" + id + "/log").body().contains("token"));
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> n.get("/jobs?q=rest").body().contains(id));
    // Everything still reads back through the API (sealed payloads are opened), redacted.
    assertThat(n.get("/jobs/" + id + "/events").status()).isEqualTo(200);
    assertThat(n.get("/jobs/" + id).body()).doesNotContain(SECRET).contains("[REDACTED]");
    return id;
  }

  private static boolean inH2Files(Path dir, String value) throws Exception {
    byte[] needle = value.getBytes(StandardCharsets.UTF_8);
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".mv.db")).toList()) {
        byte[] hay = Files.readAllBytes(f);
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
          for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
          return true;
        }
      }
    }
    return false;
  }

  @Test
  void withAKeyNoSecretIsInTheH2Files() throws Exception {
    // snapshot-every 3: the job's snapshots (CBOR) are written too, and scanned with the rest
    try (TestNode n = TestNode.h2(Map.of("jtork.secrets.key", KEY, "jtork.job.snapshot-every", 3))) {
      run(n);
      assertThat(inH2Files(n.dataDir(), SECRET)).as("the secret in the H2 files").isFalse();
      assertThat(inH2Files(n.dataDir(), PASSWORD)).as("the password input in the H2 files").isFalse();
      assertThat(inH2Files(n.dataDir(), ENV_PASSWORD)).as("the password env literal in the H2 files").isFalse();
    }
  }

  /**
   * The job's own state, which its events build, holds results, outputs, errors and evaluated names
   * redacted; only the evaluated env, which the process needs, keeps the values (sealed with a key).
   */
  @Test
  void resultsErrorsOutputsAndNamesAreStoredRedacted() throws Exception {
    try (TestNode n = TestNode.h2(Map.of())) {
      String id = n.submit("""
          name: stored redacted
          secrets: {api: %s}
          tasks:
          - name: t1
            var: t1
            env: {MY_PASSWORD: %s}
            run: echo -n "out:$MY_PASSWORD" > $TORK_OUTPUT
          - name: "t2-{{ secrets.api }}"
            env: {PREV: "{{ tasks.t1 }}", API: "{{ secrets.api }}"}
            run: echo "failing on $PREV $API" >&2; exit 2
          """.formatted(SECRET, ENV_PASSWORD));
      assertThat(n.awaitState(id, "COMPLETED", "FAILED").get("state").asText()).isEqualTo("FAILED");
      io.jtork.model.Job job = ((io.jtork.job.JobEntity.Ok) n.node.jobs().get(id).toCompletableFuture()
          .get(10, java.util.concurrent.TimeUnit.SECONDS)).job();
      io.jtork.model.Task t1 = job.execution().get(0);
      io.jtork.model.Task t2 = job.execution().get(1);
      assertThat(t1.result()).isEqualTo("out:[REDACTED]");
      assertThat(job.context().tasks()).containsEntry("t1", "out:[REDACTED]");
      assertThat(t2.spec().name()).isEqualTo("t2-[REDACTED]");
      assertThat(t2.spec().env()).containsEntry("PREV", "out:[REDACTED]").containsEntry("API", SECRET);
      assertThat(t2.error()).contains("failing on out:[REDACTED] [REDACTED]").doesNotContain(SECRET);
      assertThat(job.error()).contains("failing on out:[REDACTED] [REDACTED]").doesNotContain(SECRET);
      assertThat(t1.spec().env()).containsEntry("MY_PASSWORD", ENV_PASSWORD); // what the process got
    }
  }

  @Test
  void withoutAKeyTheSameScanFindsTheSecret() throws Exception {
    try (TestNode n = TestNode.h2(Map.of())) {
      run(n);
      assertThat(inH2Files(n.dataDir(), SECRET)).as("the scan finds what is stored in clear").isTrue();
    }
  }

  @Test
  void withAKeyNoSecretIsInPostgres() throws Exception {
    try (TestNode n = TestNode.postgres(Map.of("jtork.secrets.key", KEY, "jtork.job.snapshot-every", 3))) {
      run(n);
      try (Connection c = n.postgresConnection()) {
        for (String value : List.of(SECRET, PASSWORD, ENV_PASSWORD)) {
          for (String sql : List.of(
              "SELECT COUNT(*) FROM event_journal WHERE POSITION(CONVERT_TO(?, 'UTF8') IN event_payload) > 0",
              "SELECT COUNT(*) FROM snapshot WHERE POSITION(CONVERT_TO(?, 'UTF8') IN snapshot_payload) > 0",
              "SELECT COUNT(*) FROM jobs WHERE inputs LIKE '%' || ? || '%' OR result LIKE '%' || ? || '%'"
                  + " OR error LIKE '%' || ? || '%' OR name LIKE '%' || ? || '%'",
              "SELECT COUNT(*) FROM task_log_parts WHERE contents LIKE '%' || ? || '%'")) {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
              for (int i = 1; i <= ps.getParameterMetaData().getParameterCount(); i++) ps.setString(i, value);
              try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertThat(rs.getInt(1)).as(sql + " for " + value).isZero();
              }
            }
          }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*), COUNT(*) FILTER (WHERE LENGTH(event_payload) > 0"
            + " AND GET_BYTE(event_payload, 0) = 229) FROM event_journal WHERE persistence_id LIKE 'Job|%'");
            ResultSet rs = ps.executeQuery()) {
          rs.next();
          assertThat(rs.getInt(1)).as("job events").isPositive();
          assertThat(rs.getInt(2)).as("sealed job events").isEqualTo(rs.getInt(1));
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*), COUNT(*) FILTER (WHERE"
            + " GET_BYTE(snapshot_payload, 0) = 229 AND snapshot_ser_id = 730502) FROM snapshot"
            + " WHERE persistence_id LIKE 'Job|%'");
            ResultSet rs = ps.executeQuery()) {
          rs.next();
          assertThat(rs.getInt(1)).as("job snapshots").isPositive();
          assertThat(rs.getInt(2)).as("sealed CBOR job snapshots").isEqualTo(rs.getInt(1));
        }
      }
    }
  }

  @Test
  void aJournalWrittenWithoutAKeyStaysReadableOnceOneIsSet() throws Exception {
    Path dir = Files.createTempDirectory("jtork-rekey-");
    Map<String, Object> plain = Map.of("jtork.data-dir", dir.toString(), "jtork.runtime.type", "shell",
        "jtork.http.port", 0);
    String id;
    try (JtorkNode first = JtorkNode.start(NodeConfig.load(Optional.empty(), plain))) {
      var spec = io.jtork.spec.JobSpecValidator.parse("name: before the key\ntasks:\n- name: t\n  run: echo\n",
          io.jtork.spec.JobSpecReader.Format.YAML, first.expressions());
      id = ((io.jtork.job.JobEntity.Ok) first.jobs().submit(spec, io.jtork.model.UserRef.GUEST).toCompletableFuture()
          .get()).job().id();
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> first.jobs().get(id).toCompletableFuture().get()
          instanceof io.jtork.job.JobEntity.Ok ok && ok.job().state() == io.jtork.model.JobState.COMPLETED);
    }
    Map<String, Object> keyed = new java.util.HashMap<>(plain);
    keyed.put("jtork.secrets.key", KEY);
    try (JtorkNode second = JtorkNode.start(NodeConfig.load(Optional.empty(), keyed))) {
      var reply = second.jobs().get(id).toCompletableFuture().get();
      assertThat(reply).isInstanceOfSatisfying(io.jtork.job.JobEntity.Ok.class, ok -> {
        assertThat(ok.job().name()).isEqualTo("before the key");
        assertThat(ok.job().state()).isEqualTo(io.jtork.model.JobState.COMPLETED);
      });
    }
  }

  @Test
  void aKeyThatIsNotAnAesKeyStopsTheNodeNamingTheSetting() throws Exception {
    Path dir = Files.createTempDirectory("jtork-badkey-");
    assertThatThrownBy(() -> JtorkNode.start(NodeConfig.load(Optional.empty(), Map.of("jtork.data-dir",
        dir.toString(), "jtork.runtime.type", "shell", "jtork.secrets.key", "c2hvcnQ="))))
        .hasMessageContaining("jtork.secrets.key must be an AES key of 16, 24 or 32 bytes (base64), not 5 bytes");
  }
}
