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
 * A task actor after the hand-over to a worker. When the worker dies, the run is lost either way,
 * and the report says whether the worker had confirmed the start, naming the worker when it had
 * not (the job's history has no start to name it then). A confirmed start is held back for
 * {@code startReportDelay}: a run that ends (or is lost) sooner is reported with its start in one
 * batch, so the job journals both in one write. A probe stands in for the worker, on a real node
 * (the task actor queues its ticket in the node's queue shard; no worker serves that queue).
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
      TestProbe<JobEntity.Command> job, Duration startReportDelay) {
    var settings = new TaskActor.Settings(Duration.ofSeconds(5), Duration.ofSeconds(2), Duration.ofSeconds(2), null,
        startReportDelay);
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
    handedTo(work, worker, job, Duration.ZERO);
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
    ActorRef<TaskCommand> actor = handedTo(work, worker, job, Duration.ZERO);
    actor.tell(new TaskCommand.Started(work.attemptId(), "n7", "somewhere", Instant.now()));
    assertThat(job.expectMessageClass(TaskReport.RunStarted.class).nodeId()).isEqualTo("n7");
    worker.stop();
    TaskReport.RunLost lost = job.expectMessageClass(TaskReport.RunLost.class, Duration.ofSeconds(10));
    assertThat(lost.handedTo()).as("the start is on record with its node").isNull();
    assertThat(lost.reason()).isEqualTo("worker lost: node n7 left the cluster while the task ran");
  }

  @Test
  void aRunThatEndsWithinTheDelayIsReportedWithItsStartInOneBatch() throws Exception {
    TaskWork work = work("quick");
    TestProbe<WorkerCommand> worker = kit.createTestProbe(WorkerCommand.class);
    TestProbe<JobEntity.Command> job = kit.createTestProbe(JobEntity.Command.class);
    ActorRef<TaskCommand> actor = handedTo(work, worker, job, Duration.ofSeconds(5));
    Instant startedAt = Instant.now();
    actor.tell(new TaskCommand.Started(work.attemptId(), "n7", "somewhere", startedAt));
    job.expectNoMessage(Duration.ofMillis(300));
    actor.tell(new TaskCommand.Succeeded(work.attemptId(), "out", Instant.now()));
    var together = job.expectMessageClass(ReportBuffer.Together.class);
    assertThat(together.reports()).hasSize(2);
    assertThat(together.reports().get(0)).isEqualTo(new TaskReport.RunStarted("quick", 1, "n7", "somewhere", startedAt));
    assertThat(together.reports().get(1)).isInstanceOfSatisfying(TaskReport.RunSucceeded.class,
        s -> assertThat(s.result()).isEqualTo("out"));
    job.expectNoMessage(Duration.ofMillis(200));
  }

  @Test
  void aRunLongerThanTheDelayHasItsStartReportedOnItsOwn() throws Exception {
    TaskWork work = work("slow");
    TestProbe<WorkerCommand> worker = kit.createTestProbe(WorkerCommand.class);
    TestProbe<JobEntity.Command> job = kit.createTestProbe(JobEntity.Command.class);
    ActorRef<TaskCommand> actor = handedTo(work, worker, job, Duration.ofMillis(200));
    actor.tell(new TaskCommand.Started(work.attemptId(), "n7", "somewhere", Instant.now()));
    assertThat(job.expectMessageClass(TaskReport.RunStarted.class, Duration.ofSeconds(3)).nodeId()).isEqualTo("n7");
    actor.tell(new TaskCommand.Progressed(work.attemptId(), 0.5));
    assertThat(job.expectMessageClass(TaskReport.RunProgressed.class).progress()).isEqualTo(0.5);
    actor.tell(new TaskCommand.Succeeded(work.attemptId(), "out", Instant.now()));
    assertThat(job.expectMessageClass(TaskReport.RunSucceeded.class).result()).isEqualTo("out");
  }

  @Test
  void aWorkerThatDiesWithinTheDelayHasTheStartReportedBeforeTheLoss() throws Exception {
    TaskWork work = work("held");
    TestProbe<WorkerCommand> worker = kit.createTestProbe(WorkerCommand.class);
    TestProbe<JobEntity.Command> job = kit.createTestProbe(JobEntity.Command.class);
    ActorRef<TaskCommand> actor = handedTo(work, worker, job, Duration.ofSeconds(30));
    actor.tell(new TaskCommand.Started(work.attemptId(), "n7", "somewhere", Instant.now()));
    worker.stop();
    var together = job.expectMessageClass(ReportBuffer.Together.class, Duration.ofSeconds(10));
    assertThat(together.reports()).extracting(r -> r.getClass().getSimpleName())
        .containsExactly("RunStarted", "RunLost");
    assertThat(((TaskReport.RunLost) together.reports().get(1)).handedTo()).isNull();
  }
}
