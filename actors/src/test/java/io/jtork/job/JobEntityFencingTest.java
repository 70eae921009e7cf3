package io.jtork.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.jtork.model.Job;
import io.jtork.model.JobState;
import io.jtork.model.Task;
import io.jtork.model.TaskState;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job entity's fencing, on a real node with the default {@code
 * jtork.task.worker-lost-counts-as-retry = false}: reports that do not carry the task's current run
 * change nothing; a lost run is queued again as the same execution under a new run number, without
 * using up {@code retry.limit} (these tasks have none), and too many lost runs fail the task with a
 * message naming the limit (the counting mode is in {@link JobEntityWorkerLostTest}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobEntityFencingTest {
  @TempDir static Path dir;
  private EntityTestNode node;

  @BeforeAll
  void start() throws Exception {
    // The product's default for worker-lost-counts-as-retry: not set here.
    node = new EntityTestNode(dir, "jtork.job.max-redeliveries = 2");
  }

  @AfterAll
  void stop() {
    node.close();
  }

  private Task awaitTask(String jobId, TaskState state) {
    Task[] t = new Task[1];
    Awaitility.await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> {
      t[0] = node.job(jobId).execution().get(0);
      return t[0].state() == state;
    });
    return t[0];
  }

  @Test
  void reportsForAnotherRunOrAnUnknownTaskChangeNothing() throws Exception {
    String id = node.submit("name: fenced\ntasks:\n- name: slow\n  run: sleep 2; echo -n real > $TORK_OUTPUT\n");
    Task running = awaitTask(id, TaskState.RUNNING);
    node.tell(id, new TaskReport.RunSucceeded(running.id(), running.run() + 1, "from a stale run", Instant.now()));
    node.tell(id, new TaskReport.RunFailed(running.id(), running.run() + 1, "stale failure",
        io.jtork.event.TaskFailed.Cause.TASK, Instant.now()));
    node.tell(id, new TaskReport.RunSucceeded("0123456789abcdef0123456789abcdef", 1, "unknown task", Instant.now()));
    assertThat(node.job(id).state()).isEqualTo(JobState.RUNNING);
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> node.job(id).state() == JobState.COMPLETED);
    assertThat(node.job(id).execution()).singleElement().satisfies(t -> {
      assertThat(t.result()).isEqualTo("real");
      assertThat(t.run()).isEqualTo(1);
    });
  }

  @Test
  void aLostRunIsQueuedAgainUnderANewRunNumber() throws Exception {
    String id = node.submit("name: lost once\ntasks:\n- name: slow\n  run: sleep 1; echo -n done > $TORK_OUTPUT\n");
    Task running = awaitTask(id, TaskState.RUNNING);
    node.tell(id, new TaskReport.RunLost(running.id(), running.run(), "worker lost: test", null));
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> node.job(id).state() == JobState.COMPLETED);
    assertThat(node.job(id).execution()).as("the same execution, no failed attempt").hasSize(1);
    Task t = node.job(id).execution().get(0);
    assertThat(t.state()).isEqualTo(TaskState.COMPLETED);
    assertThat(t.run()).isEqualTo(2);
    assertThat(t.redelivered()).isEqualTo(1);
    assertThat(t.result()).isEqualTo("done");
  }

  @Test
  void tooManyLostRunsFailTheTask() throws Exception {
    String id = node.submit("name: lost often\ntasks:\n- name: slow\n  run: sleep 30\n");
    for (int i = 0; i < 3; i++) {
      Task running = awaitTask(id, TaskState.RUNNING);
      node.tell(id, new TaskReport.RunLost(running.id(), running.run(), "worker lost: test " + i, null));
      int lost = running.run();
      Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> node.job(id).execution().get(0).run() != lost
          || node.job(id).state() == JobState.FAILED);
    }
    Job failed = node.job(id);
    assertThat(failed.state()).isEqualTo(JobState.FAILED);
    assertThat(failed.error())
        .isEqualTo("task redelivered too many times (jtork.job.max-redeliveries = 2): worker lost: test 2");
    assertThat(failed.execution()).singleElement().satisfies(t -> assertThat(t.redelivered()).isEqualTo(2));
  }
}
