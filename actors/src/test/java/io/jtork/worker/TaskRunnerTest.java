package io.jtork.worker;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.jtork.dispatch.TaskWork;
import io.jtork.dispatch.WorkerCommand;
import io.jtork.runtime.OutputSink;
import io.jtork.runtime.RunningStep;
import io.jtork.runtime.StepResult;
import io.jtork.runtime.StepSpec;
import io.jtork.runtime.TaskRuntime;
import io.jtork.spec.JobSpecReader;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A runner that stops (cancelled, timed out) while its step is still being started: the step
 * is killed as soon as its start returns, and the attempt is released only after that, so no
 * container or process is left running for nobody. A runtime whose start blocks until told
 * stands in for a slow daemon.
 */
class TaskRunnerTest {
  private static ActorTestKit kit;

  @BeforeAll
  static void start() {
    kit = ActorTestKit.create(ConfigFactory.parseString("pekko.actor.provider = local")
        .withFallback(ConfigFactory.load()));
  }

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  /** Records, in order, what happened to the attempt: "started", "killed", "released". */
  private static final class SlowRuntime implements TaskRuntime {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch proceed = new CountDownLatch(1);
    final List<String> events = new CopyOnWriteArrayList<>();

    @Override
    public String name() {
      return "slow";
    }

    @Override
    public RunningStep start(StepSpec step, OutputSink output) {
      entered.countDown();
      try {
        proceed.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      events.add("started");
      CompletableFuture<StepResult> exit = new CompletableFuture<>();
      return new RunningStep() {
        @Override
        public CompletionStage<StepResult> completion() {
          return exit;
        }

        @Override
        public OptionalDouble progress() {
          return OptionalDouble.empty();
        }

        @Override
        public void kill() {
          // idempotent, as the interface asks: only the first kill ends the step
          if (exit.complete(StepResult.failed("killed"))) events.add("killed");
        }
      };
    }

    @Override
    public void release(String attemptId) {
      events.add("released");
    }

    @Override
    public boolean isHealthy() {
      return true;
    }
  }

  private static TaskWork work(Duration timeout) throws Exception {
    var spec = JobSpecReader.readJob("name: j\ntasks:\n- name: t\n  image: any\n  run: sleep 300\n",
        JobSpecReader.Format.YAML).tasks().get(0);
    return new TaskWork("job-1", "task-1", 1, 1, Instant.now(), "default", 0, spec, timeout, List.of(), null);
  }

  private static void awaitEvents(SlowRuntime runtime, String... expected) {
    Awaitility.await().atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(runtime.events).containsExactly(expected));
  }

  @Test
  void aStepStillStartingWhenTheTaskIsCancelledIsKilledOnceItRuns() throws Exception {
    SlowRuntime runtime = new SlowRuntime();
    TestProbe<WorkerCommand> worker = kit.createTestProbe();
    var runner = kit.spawn(TaskRunner.create(work(null), runtime, worker.ref(),
        new WorkerNode.Identity("n1", "here", "slow"), Duration.ofSeconds(1)));
    assertThat(runtime.entered.await(10, TimeUnit.SECONDS)).isTrue();

    runner.tell(new TaskRunner.Cancel());
    WorkerCommand m;
    do {
      m = worker.receiveMessage(Duration.ofSeconds(10));
    } while (!(m instanceof WorkerNode.RunnerDone));
    WorkerNode.RunnerDone done = (WorkerNode.RunnerDone) m;
    assertThat(done.cancelled()).isTrue();
    worker.expectTerminated(runner, Duration.ofSeconds(10));
    assertThat(runtime.events).as("nothing released while the step is still starting").isEmpty();

    runtime.proceed.countDown();
    awaitEvents(runtime, "started", "killed", "released");
  }

  @Test
  void aStepStillStartingWhenTheTaskTimesOutIsKilledOnceItRuns() throws Exception {
    SlowRuntime runtime = new SlowRuntime();
    TestProbe<WorkerCommand> worker = kit.createTestProbe();
    var runner = kit.spawn(TaskRunner.create(work(Duration.ofMillis(200)), runtime, worker.ref(),
        new WorkerNode.Identity("n1", "here", "slow"), Duration.ofSeconds(1)));
    assertThat(runtime.entered.await(10, TimeUnit.SECONDS)).isTrue();

    worker.expectTerminated(runner, Duration.ofSeconds(10));
    runtime.proceed.countDown();
    awaitEvents(runtime, "started", "killed", "released");
  }

  @Test
  void aStepThatStartedIsKilledAndReleasedWhenCancelled() throws Exception {
    SlowRuntime runtime = new SlowRuntime();
    runtime.proceed.countDown();
    TestProbe<WorkerCommand> worker = kit.createTestProbe();
    var runner = kit.spawn(TaskRunner.create(work(null), runtime, worker.ref(),
        new WorkerNode.Identity("n1", "here", "slow"), Duration.ofSeconds(1)));
    awaitEvents(runtime, "started");
    // the runner has the step once its start message is handled; a cancel queued behind it kills it
    runner.tell(new TaskRunner.Cancel());
    worker.expectTerminated(runner, Duration.ofSeconds(10));
    awaitEvents(runtime, "started", "killed", "released");
  }
}
