package io.jtork.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.typesafe.config.ConfigFactory;
import io.jtork.event.JobAdvanced;
import io.jtork.event.JobCancelled;
import io.jtork.event.JobEvent;
import io.jtork.event.JobRunning;
import io.jtork.event.JobStarted;
import io.jtork.event.JobSubmitted;
import io.jtork.event.TaskCancelled;
import io.jtork.event.TaskCompleted;
import io.jtork.event.TaskCreated;
import io.jtork.event.TaskStarted;
import io.jtork.expr.Expressions;
import io.jtork.model.Job;
import io.jtork.model.JobState;
import io.jtork.model.Task;
import io.jtork.model.TaskState;
import io.jtork.model.UserRef;
import io.jtork.queue.TaskQueue;
import io.jtork.redact.Redactor;
import io.jtork.spec.JobSpec;
import io.jtork.spec.JobSpecReader;
import io.jtork.webhook.Webhooks;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The job entity on Pekko's {@link EventSourcedBehaviorTestKit}: an in-memory journal, every
 * command, event and state checked to survive serialization, and {@code restart()} to recover
 * the entity from what it journaled. The queues are a stand-in that keeps every ticket, so the
 * task actors wait and the test plays their reports itself.
 */
class JobEntityBehaviorTest {
  private static final AtomicInteger IDS = new AtomicInteger();
  private static ActorTestKit kit;

  @BeforeAll
  static void start() {
    kit = ActorTestKit.create(EventSourcedBehaviorTestKit.config()
        .withFallback(ConfigFactory.parseString("pekko.remote.artery.canonical.port = 0"))
        .withFallback(ConfigFactory.load()));
    ClusterSharding.get(kit.system()).init(Entity.of(TaskQueue.TYPE_KEY, ctx -> Behaviors.ignore()));
  }

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  private static EventSourcedBehaviorTestKit<JobEntity.Command, JobEvent, Job> entity() {
    Expressions expressions = new Expressions();
    Redactor redactor = Redactor.defaults();
    JobEntity.Settings settings = new JobEntity.Settings(new TaskFactory(expressions, redactor), expressions,
        Duration.ofMinutes(1), 2, 1000, false, 100, null,
        JobEntity.taskActorSettings(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(5), null,
            Duration.ZERO),
        new Webhooks(expressions, redactor), null);
    TestProbe<ClusterSharding.ShardCommand> shard = kit.createTestProbe(ClusterSharding.ShardCommand.class);
    return EventSourcedBehaviorTestKit.create(kit.system(),
        JobEntity.create("job-" + IDS.incrementAndGet(), settings, shard.ref()));
  }

  private static JobSpec spec(String yaml) throws Exception {
    return JobSpecReader.readJob(yaml, JobSpecReader.Format.YAML);
  }

  private static List<Class<?>> types(List<JobEvent> events) {
    return events.stream().<Class<?>>map(Object::getClass).toList();
  }

  @Test
  void aJobRecoversFromItsJournalExactlyAsItWasAndCarriesOn() throws Exception {
    var es = entity();
    JobSpec spec = spec("name: j\ntasks:\n- name: a\n  var: first\n  run: echo a\n- name: b\n  run: echo b\n");
    var submitted = es.<JobEntity.Reply>runCommand(r -> new JobEntity.Submit(spec, UserRef.GUEST, null, null, r));
    assertThat(types(submitted.events())).containsExactly(JobSubmitted.class, JobStarted.class, TaskCreated.class);
    assertThat(submitted.reply()).isInstanceOfSatisfying(JobEntity.Ok.class, ok -> {
      assertThat(ok.job().state()).isEqualTo(JobState.SCHEDULED);
      assertThat(ok.seqNr()).isEqualTo(3);
    });

    Task a = es.getState().execution().get(0);
    var started = es.runCommand(new TaskReport.RunStarted(a.id(), a.run(), "n1", "n1#1", Instant.now()));
    assertThat(types(started.events())).containsExactly(TaskStarted.class, JobRunning.class);
    var done = es.runCommand(new TaskReport.RunSucceeded(a.id(), a.run(), "A", Instant.now()));
    assertThat(types(done.events())).containsExactly(TaskCompleted.class, JobAdvanced.class, TaskCreated.class);
    Job before = es.getState();

    var recovered = es.restart();
    Job after = recovered.state();
    assertThat(after.state()).isEqualTo(JobState.RUNNING);
    assertThat(after.position()).isEqualTo(2);
    assertThat(after.context().tasks()).containsEntry("first", "A");
    assertThat(after.execution()).extracting(Task::id, Task::state)
        .containsExactlyElementsOf(before.execution().stream().map(t -> tuple(t.id(),
            t.state())).toList());
    var get = es.<JobEntity.Reply>runCommand(JobEntity.Get::new);
    assertThat(get.reply()).isInstanceOfSatisfying(JobEntity.Ok.class, ok -> assertThat(ok.seqNr()).isEqualTo(8));

    // A report from the run that ended before the restart changes nothing.
    assertThat(es.runCommand(new TaskReport.RunSucceeded(a.id(), a.run(), "again", Instant.now())).events()).isEmpty();

    Task b = es.getState().execution().get(1);
    es.runCommand(new TaskReport.RunStarted(b.id(), b.run(), "n1", "n1#1", Instant.now()));
    es.runCommand(new TaskReport.RunSucceeded(b.id(), b.run(), "B", Instant.now()));
    assertThat(es.getState().state()).isEqualTo(JobState.COMPLETED);
    assertThat(es.restart().state().state()).isEqualTo(JobState.COMPLETED);
  }

  @Test
  void cancelRepliesWithTheCancelledJobWakesItsWaitersAndIsRefusedTheSecondTime() throws Exception {
    var es = entity();
    JobSpec spec = spec("name: j\ntasks:\n- name: a\n  run: sleep 60\n");
    es.<JobEntity.Reply>runCommand(r -> new JobEntity.Submit(spec, UserRef.GUEST, null, null, r));
    TestProbe<JobEntity.Reply> waiter = kit.createTestProbe(JobEntity.Reply.class);
    assertThat(es.runCommand(new JobEntity.AwaitEnd(waiter.ref())).events()).isEmpty();
    waiter.expectNoMessage(Duration.ofMillis(100));

    var cancelled = es.<JobEntity.Reply>runCommand(r -> new JobEntity.Cancel("someone", r));
    assertThat(types(cancelled.events())).containsExactly(JobCancelled.class, TaskCancelled.class);
    assertThat(cancelled.reply()).isInstanceOfSatisfying(JobEntity.Ok.class,
        ok -> assertThat(ok.job().state()).isEqualTo(JobState.CANCELLED));
    assertThat(waiter.expectMessageClass(JobEntity.Ok.class).job().execution().get(0).state())
        .isEqualTo(TaskState.CANCELLED);

    var again = es.<JobEntity.Reply>runCommand(r -> new JobEntity.Cancel("someone", r));
    assertThat(again.events()).isEmpty();
    assertThat(again.reply()).isEqualTo(new JobEntity.Rejected("job is not running"));
    assertThat(es.restart().state().state()).isEqualTo(JobState.CANCELLED);
  }

  @Test
  void anUnknownJobIsNotFound() {
    var es = entity();
    assertThat(es.<JobEntity.Reply>runCommand(JobEntity.Get::new).reply())
        .isEqualTo(new JobEntity.NotFound("job not found"));
    assertThat(es.<JobEntity.Reply>runCommand(r -> new JobEntity.Restart("someone", r)).reply())
        .isEqualTo(new JobEntity.NotFound("job not found"));
  }
}
