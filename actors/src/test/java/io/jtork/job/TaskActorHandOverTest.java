package io.jtork.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.jtork.dispatch.TaskCommand;
import io.jtork.dispatch.TaskWork;
import io.jtork.dispatch.WorkerAddress;
import io.jtork.dispatch.WorkerCommand;
import io.jtork.spec.JobSpecReader;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A task actor whose worker dies after the hand-over: the run is lost either way, and the report
 * says whether the worker had confirmed the start, naming the worker when it had not (the job's
 * history has no start to name it then). A probe stands in for the worker, on a real node (the
 * task actor queues its ticket in the node's queue shard; no worker serves that queue).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TaskActorHandOverTest {
  @TempDir static Path dir;
  private EntityTestNode node;
  private ActorTestKit kit;

  @BeforeAll
  void start() throws Exception {
    node = new EntityTestNode(dir, "");
    kit = ActorTestKit.create(node.node.system());
  }

  @AfterAll
  void stop() {
    node.close();
  }

  private TaskWork work(String taskId) throws Exception {
    var spec = JobSpecReader.readJob("name: j\ntasks:\n- name: t\n  queue: nobody\n  run: sleep 1\n",
        JobSpecReader.Format.YAML).tasks().get(0);
    return new TaskWork("job-" + taskId, taskId, 1, 1, Instant.now(), "nobody", 0, spec, null, List.of(), null);
  }

  /** A task actor that was handed to {@code worker}, which has received the run. */
  private ActorRef<TaskCommand> handedTo(TaskWork work, TestProbe<WorkerCommand> worker,
      TestProbe<JobEntity.Command> job) {
    var settings = new TaskActor.Settings(Duration.ofSeconds(5), Duration.ofSeconds(2), Duration.ofSeconds(2), null);
    ActorRef<TaskCommand> actor = kit.spawn(TaskActor.create(work, job.ref(), settings, null));
    String self = WorkerAddress.of(Cluster.get(node.node.system()).selfMember().uniqueAddress());
    actor.tell(new TaskCommand.Assigned(work.attemptId(), worker.ref(), "n7", self, null));
    assertThat(worker.expectMessageClass(WorkerCommand.RunTask.class).work().attemptId()).isEqualTo(work.attemptId());
    return actor;
  }

  @Test
  void aWorkerThatDiesBeforeConfirmingTheStartIsNamedInTheLostReport() throws Exception {
    TaskWork work = work("unconfirmed");
    TestProbe<WorkerCommand> worker = kit.createTestProbe(WorkerCommand.class);
    TestProbe<JobEntity.Command> job = kit.createTestProbe(JobEntity.Command.class);
    handedTo(work, worker, job);
    worker.stop();
    TaskReport.RunLost lost = job.expectMessageClass(TaskReport.RunLost.class, Duration.ofSeconds(10));
    assertThat(lost.taskId()).isEqualTo("unconfirmed");
    assertThat(lost.handedTo()).isEqualTo("n7");
    assertThat(lost.reason()).isEqualTo("worker lost: node n7 left the cluster after the task was handed to it, before"
        + " it confirmed the start");
  }

  @Test
  void aWorkerThatDiesAfterConfirmingTheStartLeavesTheNodeToTheJournal() throws Exception {
    TaskWork work = work("confirmed");
    TestProbe<WorkerCommand> worker = kit.createTestProbe(WorkerCommand.class);
    TestProbe<JobEntity.Command> job = kit.createTestProbe(JobEntity.Command.class);
    ActorRef<TaskCommand> actor = handedTo(work, worker, job);
    actor.tell(new TaskCommand.Started(work.attemptId(), "n7", "somewhere", Instant.now()));
    assertThat(job.expectMessageClass(TaskReport.RunStarted.class).nodeId()).isEqualTo("n7");
    worker.stop();
    TaskReport.RunLost lost = job.expectMessageClass(TaskReport.RunLost.class, Duration.ofSeconds(10));
    assertThat(lost.handedTo()).as("the start is on record with its node").isNull();
    assertThat(lost.reason()).isEqualTo("worker lost: node n7 left the cluster while the task ran");
  }
}
