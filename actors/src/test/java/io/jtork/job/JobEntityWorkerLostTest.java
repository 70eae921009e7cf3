package io.jtork.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.jtork.model.Job;
import io.jtork.model.JobState;
import io.jtork.model.Task;
import io.jtork.model.TaskState;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * With {@code jtork.task.worker-lost-counts-as-retry = true} (the at-most-once mode; the default,
 * where a lost run is redelivered, is in {@link JobEntityFencingTest}) a run lost with its worker
 * counts against the task's {@code retry.limit}: the lost attempt stays in the execution list as
 * FAILED with the "worker lost" reason, and a task with no retry left fails the job with it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobEntityWorkerLostTest {
  @TempDir static Path dir;
  private EntityTestNode node;

  @BeforeAll
  void start() throws Exception {
    node = new EntityTestNode(dir, "jtork.task.worker-lost-counts-as-retry = true");
  }

  @AfterAll
  void stop() {
    node.close();
  }

  private Task awaitRunning(String jobId, int index) {
    Task[] t = new Task[1];
    Awaitility.await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> {
      t[0] = node.job(jobId).execution().get(index);
      return t[0].state() == TaskState.RUNNING;
    });
    return t[0];
  }

  private void lose(String jobId, Task t) {
    node.tell(jobId, new TaskReport.RunLost(t.id(), t.run(), "worker lost: node n1 left the cluster while the task ran",
        null));
  }

  @Test
  void aLostRunIsAFailedAttemptAndTheRetryRunsIt() throws Exception {
    String id = node.submit("name: lost once\ntasks:\n- name: slow\n  retry:\n    limit: 1\n"
        + "  run: sleep 1; echo -n done > $TORK_OUTPUT\n");
    lose(id, awaitRunning(id, 0));
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> node.job(id).state() == JobState.COMPLETED);
    Job done = node.job(id);
    assertThat(done.execution()).hasSize(2);
    assertThat(done.execution().get(0).state()).isEqualTo(TaskState.FAILED);
    assertThat(done.execution().get(0).error()).isEqualTo("worker lost: node n1 left the cluster while the task ran");
    assertThat(done.execution().get(1).state()).isEqualTo(TaskState.COMPLETED);
    assertThat(done.execution().get(1).result()).isEqualTo("done");
    assertThat(done.execution().get(1).redelivered()).isZero();
  }

  @Test
  void aRunLostBeforeItsWorkerConfirmedTheStartNamesThatWorker() throws Exception {
    // No worker serves this queue: the execution stays SCHEDULED, as one handed to a worker that died
    // before its "started" arrived.
    String id = node.submit("name: lost unconfirmed\ntasks:\n- name: slow\n  queue: nobody\n  retry:\n"
        + "    limit: 1\n  run: sleep 1\n");
    Task queued = node.job(id).execution().get(0);
    assertThat(queued.state()).isEqualTo(TaskState.SCHEDULED);
    assertThat(queued.nodeId()).isNull();
    node.tell(id, new TaskReport.RunLost(queued.id(), queued.run(), "worker lost: node n7 left the cluster after the"
        + " task was handed to it, before it confirmed the start", "n7"));
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> node.job(id).execution().size() == 2);
    Task lost = node.job(id).execution().get(0);
    assertThat(lost.state()).isEqualTo(TaskState.FAILED);
    assertThat(lost.nodeId()).as("the node it was handed to").isEqualTo("n7");
    assertThat(lost.startedAt()).as("its start was never recorded").isNull();
    assertThat(node.job(id).execution().get(1).nodeId()).isNull();
    node.cancel(id);
  }

  @Test
  void aStartedRunLostKeepsTheNodeItStartedOn() throws Exception {
    String id = node.submit("name: lost started\ntasks:\n- name: slow\n  retry:\n    limit: 1\n  run: sleep 30\n");
    Task running = awaitRunning(id, 0);
    node.tell(id, new TaskReport.RunLost(running.id(), running.run(), "worker lost: elsewhere", "some-other-node"));
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> node.job(id).execution().size() == 2);
    assertThat(node.job(id).execution().get(0).nodeId()).isEqualTo(running.nodeId());
    node.cancel(id);
  }

  @Test
  void withNoRetryLeftALostRunFailsTheJob() throws Exception {
    String id = node.submit("name: lost for good\ntasks:\n- name: slow\n  run: sleep 30\n");
    lose(id, awaitRunning(id, 0));
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> node.job(id).state() == JobState.FAILED);
    Job failed = node.job(id);
    assertThat(failed.execution()).singleElement().satisfies(t -> assertThat(t.state()).isEqualTo(TaskState.FAILED));
    assertThat(failed.error()).isEqualTo("worker lost: node n1 left the cluster while the task ran");
  }
}
