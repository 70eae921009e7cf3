package io.jtork.multijvm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.DockerClient;
import io.jtork.runtime.docker.DockerDaemon;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node on the Docker runtime is killed with SIGKILL while a container of its job runs. The
 * container, its volumes and network outlive the JVM; when the node starts again on the same
 * data directory it removes them, the task is run again, the job completes, and nothing with
 * jtork's labels is left.
 */
class DockerRecoveryTest {
  @TempDir Path dir;

  @Test
  void aKilledDockerWorkerLeavesNothingBehindAndItsJobCompletes() throws Exception {
    String host = DockerDaemon.require();
    // The default jtork.task.worker-lost-counts-as-retry = false: the lost run is redelivered as the same execution.
    Map<String, String> env = Map.of("JTORK_RUNTIME_DOCKER_HOST", host);
    Path data = dir.resolve("data");
    int port = ForkedNode.freePort();
    try (DockerClient docker = DockerDaemon.client(host)) {
      String id;
      String workerId;
      try (ForkedNode first = ForkedNode.standalone(data, port, "docker", env)) {
        workerId = Files.readString(data.resolve("worker-id")).trim();
        id = first.postYaml("""
            name: survives a crash
            output: "{{ tasks.slow }}"
            tasks:
            - name: slow
              var: slow
              image: busybox:local
              mounts:
              - type: volume
                target: /scratch
              run: |
                sleep 5
                echo -n done > $TORK_OUTPUT
            """).get("id").asText();
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !docker.listContainersCmd()
            .withLabelFilter(Map.of("io.jtork.job", id)).exec().isEmpty());
        first.kill();
      }
      assertThat(DockerDaemon.leftovers(docker, workerId)).as("what the killed JVM left").isNotEmpty();

      try (ForkedNode second = ForkedNode.standalone(data, port, "docker", env)) {
        AtomicReference<JsonNode> job = new AtomicReference<>();
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
            .until(() -> {
              job.set(second.get("/jobs/" + id));
              return List.of("COMPLETED", "FAILED").contains(job.get().path("state").asText());
            });
        assertThat(job.get().path("state").asText()).as("%s", job.get()).isEqualTo("COMPLETED");
        assertThat(job.get().path("result").asText()).isEqualTo("done");
        assertThat(job.get().at("/execution/0/redelivered").asInt()).isEqualTo(1);
        Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
            assertThat(DockerDaemon.leftovers(docker, workerId)).isEmpty());
      }
    }
  }
}
