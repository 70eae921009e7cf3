package io.jtork.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.DockerClient;
import io.jtork.runtime.docker.DockerDaemon;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Jobs shaped like Tork's examples, run end to end through the API by a node on the Docker
 * runtime against a real daemon (see {@link DockerDaemon}), with {@code image: busybox:local}.
 */
class DockerJobsTest {
  private static TestNode node;
  private static DockerClient docker;
  private static String workerId;
  private static Path allowed;

  @BeforeAll
  static void start() throws Exception {
    String host = DockerDaemon.require();
    allowed = Files.createTempDirectory("jtork-bind-");
    node = TestNode.h2(Map.of("jtork.runtime.type", "docker", "jtork.runtime.docker.host", host,
        "jtork.mounts.bind.allowed", true, "jtork.mounts.bind.sources", List.of(allowed.toString()),
        "jtork.worker.progress-interval", "200ms"));
    workerId = Files.readString(node.node.settings().dataDir().resolve("worker-id")).trim();
    docker = DockerDaemon.client(host);
  }

  @AfterAll
  static void stop() throws Exception {
    if (node != null) node.close();
    if (docker != null) docker.close();
  }

  /** Nothing a finished job created is left: no container, volume or network with the worker's label. */
  @AfterEach
  void nothingLeft() {
    Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
        .untilAsserted(() -> assertThat(DockerDaemon.leftovers(docker, workerId)).isEmpty());
  }

  @Test
  void healthShowsTheDockerRuntime() {
    JsonNode h = node.get("/health").json();
    assertThat(h.path("status").asText()).isEqualTo("UP");
    assertThat(h.path("runtime").asText()).isEqualTo("docker");
  }

  @Test
  void helloJobCompletesWithItsOutput() {
    String id = node.submit("""
        name: hello
        output: "{{ tasks.hello }}"
        tasks:
        - name: say hello
          var: hello
          image: busybox:local
          run: |
            echo -n hello world > $TORK_OUTPUT
        """);
    JsonNode job = node.awaitState(id, "COMPLETED", "FAILED");
    assertThat(job.path("state").asText()).as("%s", job).isEqualTo("COMPLETED");
    assertThat(job.path("result").asText()).isEqualTo("hello world");
    assertThat(job.path("execution").size()).isEqualTo(1);
  }

  @Test
  void prePostShareTheTasksVolume() {
    String id = node.submit("""
        name: pre and post
        output: "{{ tasks.main }}"
        tasks:
        - name: main
          var: main
          image: busybox:local
          mounts:
          - type: volume
            target: /xyz
          pre:
          - name: pre
            image: busybox:local
            run: echo im a pre task > /xyz/pre
          post:
          - name: post
            image: busybox:local
            run: echo im a post task > /xyz/post
          run: cat /xyz/pre > $TORK_OUTPUT
        """);
    JsonNode job = node.awaitState(id, "COMPLETED", "FAILED");
    assertThat(job.path("state").asText()).as("%s", job).isEqualTo("COMPLETED");
    assertThat(job.path("result").asText()).isEqualTo("im a pre task\n");
  }

  @Test
  void timeoutFailsTheTaskAndRemovesTheContainer() {
    String id = node.submit("""
        name: timeout
        tasks:
        - name: sleep too long
          image: busybox:local
          timeout: 2s
          run: sleep 30
        """);
    JsonNode job = node.awaitState(id, Duration.ofSeconds(40), "COMPLETED", "FAILED");
    assertThat(job.path("state").asText()).isEqualTo("FAILED");
    assertThat(job.path("error").asText()).contains("timeout").contains("2s").contains("context deadline exceeded");
  }

  @Test
  void nonZeroExitFailsWithTheExitCodeAndLastLines() {
    String id = node.submit("""
        name: broken
        tasks:
        - name: fail
          image: busybox:local
          run: |
            echo first line
            echo the last words
            exit 3
        """);
    JsonNode job = node.awaitState(id, "COMPLETED", "FAILED");
    assertThat(job.path("state").asText()).isEqualTo("FAILED");
    assertThat(job.path("error").asText()).startsWith("exit code 3: ").contains("the last words");
    Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(node.get("/jobs/" + id + "/log").body()).contains("first line").contains("the last words"));
  }

  @Test
  void aMissingImageFailsTheJobWithAClearError() {
    String id = node.submit("""
        name: no image
        tasks:
        - name: t
          image: jtork-test/does-not-exist:1
          run: "true"
        """);
    JsonNode job = node.awaitState(id, "COMPLETED", "FAILED");
    assertThat(job.path("state").asText()).isEqualTo("FAILED");
    assertThat(job.path("error").asText()).startsWith("could not pull image \"jtork-test/does-not-exist:1\": ");
  }

  @Test
  void aBindMountOutsideTheAllowListIsRefusedAtSubmit() {
    TestNode.Response r = node.postYaml("""
        name: sneaky
        tasks:
        - name: t
          image: busybox:local
          run: cat /host/shadow
          mounts:
          - type: bind
            source: /etc
            target: /host
        """);
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().path("message").asText()).isEqualTo("invalid job: tasks[0].mounts[0].source: \"/etc\" is not in the"
        + " allowed bind sources (" + allowed + ")");
  }

  @Test
  void aBindMountInsideTheAllowListWorks() throws Exception {
    Files.writeString(allowed.resolve("input.txt"), "from the host");
    String id = node.submit("""
        name: bind
        output: "{{ tasks.read }}"
        tasks:
        - name: read
          var: read
          image: busybox:local
          run: cat /in/input.txt > $TORK_OUTPUT
          mounts:
          - type: bind
            source: %s
            target: /in
        """.formatted(allowed));
    JsonNode job = node.awaitState(id, "COMPLETED", "FAILED");
    assertThat(job.path("result").asText()).as("%s", job).isEqualTo("from the host");
  }

  @Test
  void progressIsReported() {
    String id = node.submit("""
        name: progress
        tasks:
        - name: half way
          image: busybox:local
          run: |
            echo 50 > $TORK_PROGRESS
            sleep 3
        """);
    Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
        .untilAsserted(() -> assertThat(node.get("/jobs/" + id).json().path("execution").get(0).path("progress").asDouble())
            .isEqualTo(50.0));
    assertThat(node.awaitState(id, "COMPLETED", "FAILED").path("state").asText()).isEqualTo("COMPLETED");
  }

  @Test
  void cancellingARunningJobKillsItsContainer() {
    String id = node.submit("""
        name: long
        tasks:
        - name: sleeper
          image: busybox:local
          run: sleep 300
        """);
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> !docker.listContainersCmd()
        .withLabelFilter(Map.of("io.jtork.job", id)).exec().isEmpty());
    assertThat(node.put("/jobs/" + id + "/cancel").status()).isEqualTo(200);
    assertThat(node.awaitState(id, "CANCELLED").path("state").asText()).isEqualTo("CANCELLED");
    // nothingLeft() checks the container is gone
  }

  /** Tork's parallel.yaml shape, in containers: 9 executions. */
  @Test
  void parallelJobCompletes() {
    String id = node.submit("""
        name: parallel
        tasks:
        - name: hello
          image: busybox:local
          run: echo hello
        - name: a parallel task
          parallel:
            tasks:
            - {name: sleep a, image: busybox:local, run: sleep 0.1}
            - {name: sleep b, image: busybox:local, run: sleep 0.5}
            - {name: sleep c, image: busybox:local, run: sleep 0.15}
            - {name: echo a, image: busybox:local, run: echo a}
            - {name: echo b, image: busybox:local, run: echo b}
            - {name: echo c, image: busybox:local, run: echo c}
        - name: bye
          image: busybox:local
          run: echo bye
        """);
    JsonNode job = node.awaitState(id, Duration.ofSeconds(60), "COMPLETED", "FAILED");
    assertThat(job.path("state").asText()).as("%s", job).isEqualTo("COMPLETED");
    assertThat(job.path("execution").size()).isEqualTo(9);
  }

  /** Tork's each.yaml shape, in containers: 12 executions. */
  @Test
  void eachJobCompletes() {
    String id = node.submit("""
        name: each
        tasks:
        - name: hello
          image: busybox:local
          run: echo hello
        - name: each default
          each:
            list: "{{ sequence(1,5) }}"
            task:
              name: "item {{ item.index }}"
              var: "eachTask{{ item.index }}"
              image: busybox:local
              env: {VALUE: "{{ item.value }}"}
              run: echo -n "$VALUE" > $TORK_OUTPUT
        - name: each custom
          each:
            list: "{{ sequence(1,5) }}"
            var: myitem
            task:
              name: "custom {{ myitem.index }}"
              image: busybox:local
              env: {VALUE: "{{ myitem.value }}"}
              run: echo "$VALUE"
        - name: bye
          image: busybox:local
          run: echo bye
        """);
    JsonNode job = node.awaitState(id, Duration.ofSeconds(60), "COMPLETED", "FAILED");
    assertThat(job.path("state").asText()).as("%s", job).isEqualTo("COMPLETED");
    assertThat(job.path("execution").size()).isEqualTo(12);
    assertThat(job.at("/context/tasks/eachTask3").asText()).isEqualTo("4");
  }

  /** Tork's job_defaults.yaml shape (with cpus spelled right): the defaults reach both tasks. */
  @Test
  void jobDefaultsApplyToTasksThatLeaveThemEmpty() {
    String id = node.submit("""
        name: defaults
        defaults:
          limits: {cpus: ".5", memory: 64m}
          timeout: 30s
          retry: {limit: 1}
        tasks:
        - name: sleep a
          image: busybox:local
          run: sleep 0.2
        - name: sleep b
          image: busybox:local
          limits: {cpus: "1"}
          run: sleep 0.2
        """);
    JsonNode job = node.awaitState(id, Duration.ofSeconds(60), "COMPLETED", "FAILED");
    assertThat(job.path("state").asText()).as("%s", job).isEqualTo("COMPLETED");
    assertThat(job.path("execution").size()).isEqualTo(2);
    assertThat(job.at("/execution/0/limits/cpus").asText()).isEqualTo(".5");
    assertThat(job.at("/execution/0/limits/memory").asText()).isEqualTo("64m");
    assertThat(job.at("/execution/1/limits/cpus").asText()).isEqualTo("1");
    assertThat(job.at("/execution/0/timeout").asText()).isEqualTo("30s");
  }

  /** Tork's retry.yaml shape, made deterministic: fails twice, then succeeds, within retry.limit 2. */
  @Test
  void retryJobCompletesAfterTwoFailures() throws Exception {
    java.nio.file.Files.deleteIfExists(allowed.resolve("count"));
    String id = node.submit("""
        name: retry
        tasks:
        - name: flaky
          image: busybox:local
          retry: {limit: 2}
          mounts: [{type: bind, source: %s, target: /state}]
          run: |
            n=$(cat /state/count 2>/dev/null || echo 0); n=$((n+1)); echo $n > /state/count
            [ $n -ge 3 ] || exit 1
        """.formatted(allowed));
    JsonNode job = node.awaitState(id, Duration.ofSeconds(60), "COMPLETED", "FAILED");
    assertThat(job.path("state").asText()).as("%s", job).isEqualTo("COMPLETED");
    assertThat(job.path("execution").size()).isEqualTo(3);
  }

  /** Tork's slow.yaml shape: four children sleeping 1 to 4 s run at once, so the each takes about 4 s, not 10. */
  @Test
  void slowEachChildrenRunAtOnce() {
    String id = node.submit("""
        name: slow
        tasks:
        - name: fan out
          each:
            list: "{{ sequence(1,5) }}"
            task:
              name: "sleep {{ item.value }}"
              image: busybox:local
              env: {SECONDS: "{{ item.value }}"}
              run: sleep $SECONDS
        """);
    JsonNode job = node.awaitState(id, Duration.ofSeconds(60), "COMPLETED", "FAILED");
    assertThat(job.path("state").asText()).as("%s", job).isEqualTo("COMPLETED");
    Duration took = Duration.between(java.time.Instant.parse(job.path("startedAt").asText()),
        java.time.Instant.parse(job.path("completedAt").asText()));
    assertThat(took).isLessThan(Duration.ofSeconds(9));
  }
}
