package io.jtork.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.jtork.model.Job;
import io.jtork.model.JobState;
import io.jtork.model.Task;
import io.jtork.model.TaskState;
import io.jtork.model.UserRef;
import io.jtork.node.JtorkNode;
import io.jtork.spec.JobSpecReader;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job entity's fencing, on a real node: reports that do not carry the task's current run
 * change nothing, a lost run is queued again under a new run number, and too many lost runs
 * fail the task.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobEntityFencingTest {
  @TempDir static Path dir;
  private JtorkNode node;

  @BeforeAll
  void start() throws Exception {
    node = JtorkNode.start(ConfigFactory.parseString("jtork.data-dir = \"" + dir + "\"\n"
        + "jtork.runtime.type = shell\njtork.job.max-redeliveries = 2").withFallback(ConfigFactory.load()));
  }

  @AfterAll
  void stop() {
    node.close();
  }

  private Job job(String id) throws Exception {
    return ((JobEntity.Ok) node.jobs().get(id).toCompletableFuture().get(10, TimeUnit.SECONDS)).job();
  }

  private String submit(String yaml) throws Exception {
    var reply = node.jobs().submit(JobSpecReader.readJob(yaml, JobSpecReader.Format.YAML), UserRef.GUEST)
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    return ((JobEntity.Ok) reply).job().id();
  }

  private void tell(String jobId, JobEntity.Command c) {
    ClusterSharding.get(node.system()).entityRefFor(JobEntity.TYPE_KEY, jobId).tell(c);
  }

  private Task awaitTask(String jobId, TaskState state) {
    Task[] t = new Task[1];
    Awaitility.await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> {
      t[0] = job(jobId).execution().get(0);
      return t[0].state() == state;
    });
    return t[0];
  }

  @Test
  void reportsForAnotherRunOrAnUnknownTaskChangeNothing() throws Exception {
    String id = submit("name: fenced\ntasks:\n- name: slow\n  run: sleep 2; echo -n real > $TORK_OUTPUT\n");
    Task running = awaitTask(id, TaskState.RUNNING);
    tell(id, new JobEntity.RunSucceeded(running.id(), running.run() + 1, "from a stale run", Instant.now()));
    tell(id, new JobEntity.RunFailed(running.id(), running.run() + 1, "stale failure", Instant.now()));
    tell(id, new JobEntity.RunSucceeded("0123456789abcdef0123456789abcdef", 1, "unknown task", Instant.now()));
    assertThat(job(id).state()).isEqualTo(JobState.RUNNING);
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> job(id).state() == JobState.COMPLETED);
    assertThat(job(id).execution()).singleElement().satisfies(t -> {
      assertThat(t.result()).isEqualTo("real");
      assertThat(t.run()).isEqualTo(1);
    });
  }

  @Test
  void aLostRunIsQueuedAgainUnderANewRunNumber() throws Exception {
    String id = submit("name: lost once\ntasks:\n- name: slow\n  run: sleep 1; echo -n done > $TORK_OUTPUT\n");
    Task running = awaitTask(id, TaskState.RUNNING);
    tell(id, new JobEntity.RunLost(running.id(), running.run(), "worker lost: test"));
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> job(id).state() == JobState.COMPLETED);
    Task t = job(id).execution().get(0);
    assertThat(t.run()).isEqualTo(2);
    assertThat(t.redelivered()).isEqualTo(1);
    assertThat(t.result()).isEqualTo("done");
  }

  @Test
  void tooManyLostRunsFailTheTask() throws Exception {
    String id = submit("name: lost often\ntasks:\n- name: slow\n  run: sleep 30\n");
    for (int i = 0; i < 3; i++) {
      Task running = awaitTask(id, TaskState.RUNNING);
      tell(id, new JobEntity.RunLost(running.id(), running.run(), "worker lost: test " + i));
      int lost = running.run();
      Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> job(id).execution().get(0).run() != lost
          || job(id).state() == JobState.FAILED);
    }
    Job failed = job(id);
    assertThat(failed.state()).isEqualTo(JobState.FAILED);
    assertThat(failed.error()).isEqualTo("task redelivered too many times: worker lost: test 2");
  }
}
