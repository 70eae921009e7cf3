package io.jtork.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.jtork.runtime.docker.DockerDaemon;
import io.jtork.runtime.docker.PrivateDockerd;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The daemon dies with SIGKILL while a task runs in it: the task fails with a message saying
 * so (never stuck RUNNING), {@code /health} says DOWN, new tasks wait in their queue and then
 * fail clearly. When the daemon is back the worker takes tasks again and removes what the dead
 * daemon's tasks left.
 */
class DockerDaemonLossTest {

  @Test
  void aDaemonThatDiesFailsItsTasksAndTheWorkerRecoversWithIt() throws Exception {
    String shared = DockerDaemon.require();
    try (PrivateDockerd daemon = new PrivateDockerd().start()) {
      daemon.loadImage(shared, DockerDaemon.IMAGE);
      try (TestNode node = TestNode.h2(Map.of("jtork.runtime.type", "docker", "jtork.runtime.docker.host", daemon.host(),
          "jtork.task.queue-timeout", "4s"))) {
        String workerId = Files.readString(node.node.settings().dataDir().resolve("worker-id")).trim();
        String running = node.submit("""
            name: in a dying daemon
            tasks:
            - name: long
              image: busybox:local
              run: sleep 120
            """);
        try (var client = DockerDaemon.client(daemon.host())) {
          Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !client.listContainersCmd()
              .withLabelFilter(Map.of("io.jtork.job", running)).exec().isEmpty());
        }

        daemon.kill();

        JsonNode failed = node.awaitState(running, Duration.ofSeconds(30), "FAILED", "COMPLETED");
        assertThat(failed.path("state").asText()).isEqualTo("FAILED");
        assertThat(failed.path("error").asText()).startsWith("the docker daemon stopped answering while the task ran: ");
        Awaitility.await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
          TestNode.Response h = node.get("/health");
          assertThat(h.status()).isEqualTo(503);
          assertThat(h.json().path("status").asText()).isEqualTo("DOWN");
          assertThat(h.json().path("message").asText()).isEqualTo("the docker runtime is not available");
        });

        String waiting = node.submit("""
            name: no daemon to run it
            tasks:
            - name: t
              image: busybox:local
              run: "true"
            """);
        // it stays queued while the daemon is away (then the queue timeout fails it, below)
        Awaitility.await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).untilAsserted(() -> {
          JsonNode meanwhile = node.get("/jobs/" + waiting).json();
          assertThat(meanwhile.at("/execution/0/state").asText()).as("%s", meanwhile).isIn("CREATED", "PENDING",
              "SCHEDULED");
        });
        JsonNode timedOut = node.awaitState(waiting, Duration.ofSeconds(30), "FAILED", "COMPLETED");
        assertThat(timedOut.path("error").asText()).isEqualTo("no worker took the task from queue \"default\" within 4s"
            + " (jtork.task.queue-timeout): no worker serving the queue had a healthy runtime and a free slot");

        daemon.start();
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> node.get("/health").status() == 200);
        String after = node.submit("""
            name: daemon is back
            tasks:
            - name: t
              image: busybox:local
              run: echo -n back > $TORK_OUTPUT
            """);
        JsonNode done = node.awaitState(after, Duration.ofSeconds(30), "FAILED", "COMPLETED");
        assertThat(done.path("state").asText()).as("%s", done).isEqualTo("COMPLETED");
        try (var client = DockerDaemon.client(daemon.host())) {
          Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
              assertThat(DockerDaemon.leftovers(client, workerId)).isEmpty());
        }
      }
    }
  }
}
