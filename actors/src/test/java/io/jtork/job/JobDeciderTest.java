package io.jtork.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.jtork.event.EachExpanded;
import io.jtork.event.JobAdvanced;
import io.jtork.event.JobCancelled;
import io.jtork.event.JobCompleted;
import io.jtork.event.JobEvent;
import io.jtork.event.JobFailed;
import io.jtork.event.JobRestarted;
import io.jtork.event.JobRunning;
import io.jtork.event.JobStarted;
import io.jtork.event.JobSubmitted;
import io.jtork.event.TaskCancelled;
import io.jtork.event.TaskCompleted;
import io.jtork.event.TaskCreated;
import io.jtork.event.TaskFailed;
import io.jtork.event.TaskRunLost;
import io.jtork.event.TaskSkipped;
import io.jtork.event.TaskStarted;
import io.jtork.event.WebhookAttempted;
import io.jtork.event.WebhookQueued;
import io.jtork.expr.Expressions;
import io.jtork.job.JobDecider.Decision;
import io.jtork.job.JobDecider.Note;
import io.jtork.job.JobDecider.RetryWebhook;
import io.jtork.model.Job;
import io.jtork.model.JobState;
import io.jtork.model.Task;
import io.jtork.model.TaskState;
import io.jtork.model.UserRef;
import io.jtork.redact.Redactor;
import io.jtork.spec.JobSpec;
import io.jtork.spec.JobSpecReader;
import io.jtork.webhook.Webhooks;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every kind of transition of a job, decided by {@link JobDecider} alone: no actor system, no
 * database, no process. Each test drives a job the way its entity would, applying the events of
 * each decision to the state before deciding the next.
 */
class JobDeciderTest {
  private static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");
  private static final int MAX_REDELIVERIES = 2;

  private final Expressions expressions = new Expressions();
  private final Redactor redactor = Redactor.defaults();
  private JobDecider decider = decider(false);
  private Job job = Job.empty("j1");
  private Instant now = T0;

  private JobDecider decider(boolean workerLostCountsAsRetry) {
    return new JobDecider(new JobDecider.Rules(new TaskFactory(expressions, redactor), expressions,
        new Webhooks(expressions, redactor), MAX_REDELIVERIES, 5_000, workerLostCountsAsRetry));
  }

  // ---- driving a job -------------------------------------------------------------------------

  /** Applies the decision's events to the job, as the entity's event handler does. */
  private Decision apply(Decision d) {
    for (JobEvent e : d.events()) job = e.applyTo(job);
    now = now.plusSeconds(1);
    return d;
  }

  private Decision submit(String yaml) throws Exception {
    JobSpec spec = JobSpecReader.readJob(yaml, JobSpecReader.Format.YAML);
    return apply(decider.submit(job, new JobEntity.Submit(spec, UserRef.GUEST, null, null, null), now));
  }

  private Decision report(TaskReport r) {
    return apply(decider.reports(job, List.of(r), now));
  }

  private Decision started(Task t) {
    return report(new TaskReport.RunStarted(t.id(), t.run(), "n1", "n1#1", now));
  }

  private Decision succeeded(Task t, String result) {
    return report(new TaskReport.RunSucceeded(t.id(), t.run(), result, now));
  }

  private Decision failed(Task t, TaskFailed.Cause cause) {
    return report(new TaskReport.RunFailed(t.id(), t.run(), "exit status 1", cause, now));
  }

  /** The newest execution of the task named {@code name}. */
  private Task task(String name) {
    List<Task> all = tasks(name);
    return all.get(all.size() - 1);
  }

  private List<Task> tasks(String name) {
    return job.execution().stream().filter(t -> name.equals(t.spec().name())).toList();
  }

  /** The children of the each, by the name each gets from its item ({@code item-0}, ...). */
  private List<Task> items() {
    return job.execution().stream().filter(t -> t.spec().name().startsWith("item-")).toList();
  }

  private long active(String parentName) {
    String parentId = task(parentName).id();
    return job.execution().stream().filter(t -> parentId.equals(t.parentId()) && t.state().isActive()).count();
  }

  private static List<Class<?>> types(Decision d) {
    return d.events().stream().<Class<?>>map(Object::getClass).toList();
  }

  // ---- sequential ----------------------------------------------------------------------------

  @Test
  void tasksRunInOrderAndTheJobCompletesWithItsOutput() throws Exception {
    Decision d = submit("name: j\noutput: '{{ tasks.second }}'\ntasks:\n"
        + "- name: a\n  var: first\n  run: echo a\n- name: b\n  var: second\n  run: echo b\n");
    assertThat(types(d)).containsExactly(JobSubmitted.class, JobStarted.class, TaskCreated.class);
    assertThat(job.state()).isEqualTo(JobState.SCHEDULED);
    assertThat(task("a").state()).isEqualTo(TaskState.SCHEDULED);

    assertThat(types(started(task("a")))).containsExactly(TaskStarted.class, JobRunning.class);
    d = succeeded(task("a"), "A");
    assertThat(types(d)).containsExactly(TaskCompleted.class, JobAdvanced.class, TaskCreated.class);
    assertThat(job.position()).isEqualTo(2);
    assertThat(job.progress()).isEqualTo(50.0);
    assertThat(job.context().tasks()).containsEntry("first", "A");

    started(task("b"));
    d = succeeded(task("b"), "B");
    assertThat(types(d)).containsExactly(TaskCompleted.class, JobAdvanced.class, JobCompleted.class);
    assertThat(job.state()).isEqualTo(JobState.COMPLETED);
    assertThat(job.result()).isEqualTo("B");
    assertThat(job.progress()).isEqualTo(100.0);
  }

  @Test
  void aSecondSubmitAnswersWithTheJobAndAnIdempotencyKeyForAnotherJobConflicts() throws Exception {
    submit("name: j\ntasks:\n- name: a\n  run: echo a\n");
    JobSpec same = JobSpecReader.readJob("name: j\ntasks:\n- name: a\n  run: echo a\n", JobSpecReader.Format.YAML);
    JobSpec other = JobSpecReader.readJob("name: k\ntasks:\n- name: a\n  run: echo b\n", JobSpecReader.Format.YAML);
    Decision again = decider.submit(job, new JobEntity.Submit(same, UserRef.GUEST, null, null, "key-1", null), now);
    assertThat(again.events()).isEmpty();
    assertThat(again.refusal()).isNull();
    Decision conflict = decider.submit(job, new JobEntity.Submit(other, UserRef.GUEST, null, null, "key-1", null), now);
    assertThat(conflict.events()).isEmpty();
    assertThat(conflict.refusal()).isInstanceOfSatisfying(JobEntity.Conflict.class,
        c -> assertThat(c.message()).contains("Idempotency-Key \"key-1\"").contains("another job"));
  }

  @Test
  void aReportForARunThatIsNotCurrentChangesNothingAndSaysSo() throws Exception {
    submit("name: j\ntasks:\n- name: a\n  run: echo a\n");
    Task a = task("a");
    Decision d = report(new TaskReport.RunSucceeded(a.id(), a.run() + 1, "late", now));
    assertThat(d.events()).isEmpty();
    assertThat(d.effects()).singleElement().isInstanceOfSatisfying(Note.class,
        n -> assertThat(n.text()).contains("not its current run"));
    assertThat(report(new TaskReport.RunStarted("no-such-task", 1, "n1", "n1#1", now)).events()).isEmpty();
  }

  @Test
  void progressIsRoundedAndScaledToTheJob() throws Exception {
    submit("name: j\ntasks:\n- name: a\n  run: echo a\n- name: b\n  run: echo b\n");
    started(task("a"));
    report(new TaskReport.RunProgressed(task("a").id(), task("a").run(), 50.333));
    assertThat(task("a").progress()).isEqualTo(50.33);
    assertThat(job.progress()).isEqualTo(25.17);
    assertThat(report(new TaskReport.RunProgressed(task("a").id(), task("a").run(), 50.333)).events()).isEmpty();
  }

  // ---- composites ----------------------------------------------------------------------------

  @Test
  void aParallelTaskCompletesWhenAllItsChildrenHave() throws Exception {
    submit("name: j\ntasks:\n- name: p\n  parallel:\n    tasks:\n"
        + "    - name: c1\n      run: echo 1\n    - name: c2\n      run: echo 2\n    - name: c3\n      run: echo 3\n");
    assertThat(task("p").state()).isEqualTo(TaskState.RUNNING);
    assertThat(active("p")).isEqualTo(3);
    for (String c : List.of("c1", "c2")) {
      started(task(c));
      succeeded(task(c), c);
    }
    assertThat(task("p").state()).isEqualTo(TaskState.RUNNING);
    started(task("c3"));
    Decision last = succeeded(task("c3"), "c3");
    assertThat(types(last)).contains(TaskCompleted.class, JobCompleted.class);
    assertThat(task("p").state()).isEqualTo(TaskState.COMPLETED);
    assertThat(job.state()).isEqualTo(JobState.COMPLETED);
  }

  @Test
  void aFailedChildFailsItsParentAndTheJob() throws Exception {
    submit("name: j\ntasks:\n- name: p\n  parallel:\n    tasks:\n"
        + "    - name: c1\n      run: echo 1\n    - name: c2\n      run: sleep 9\n");
    started(task("c1"));
    started(task("c2"));
    Decision d = failed(task("c1"), TaskFailed.Cause.TASK);
    assertThat(task("p").state()).isEqualTo(TaskState.FAILED);
    assertThat(task("c2").state()).isEqualTo(TaskState.CANCELLED);
    assertThat(job.state()).isEqualTo(JobState.FAILED);
    assertThat(job.error()).isEqualTo("exit status 1");
    assertThat(types(d)).contains(JobFailed.class, TaskCancelled.class);
  }

  @Test
  void anEachRunsItsItemsInTurnNeverMoreThanItsConcurrency() throws Exception {
    Decision d = submit("name: j\ntasks:\n- name: e\n  each:\n    list: '{{ sequence(0, 5) }}'\n    concurrency: 2\n"
        + "    task:\n      name: item-{{ item.value }}\n      run: echo hi\n");
    assertThat(types(d)).contains(EachExpanded.class);
    assertThat(active("e")).isEqualTo(2);
    assertThat(decider.eachesToGrow(job)).isEmpty(); // no room: both places are taken
    int done = 0;
    while (job.state() == JobState.SCHEDULED || job.state() == JobState.RUNNING) {
      Task next = items().stream().filter(t -> t.state().isActive()).findFirst().orElseThrow();
      started(next);
      succeeded(next, "ok");
      done++;
      assertThat(active("e")).isLessThanOrEqualTo(2);
    }
    assertThat(done).isEqualTo(5);
    assertThat(items()).extracting(t -> t.spec().name()).containsExactly("item-0", "item-1", "item-2", "item-3",
        "item-4");
    assertThat(task("e").state()).isEqualTo(TaskState.COMPLETED);
    assertThat(job.state()).isEqualTo(JobState.COMPLETED);
  }

  @Test
  void aLargeEachCreatesOneBatchPerDecisionAndAsksForTheRest() throws Exception {
    int items = JobDecider.EACH_BATCH + 10;
    submit("name: j\ntasks:\n- name: e\n  each:\n    list: '{{ sequence(0, " + items + ") }}'\n"
        + "    task:\n      name: item-{{ item.value }}\n      run: echo hi\n");
    assertThat(items()).as("%s %s", job.state(), job.error()).hasSize(JobDecider.EACH_BATCH);
    assertThat(decider.eachesToGrow(job)).containsExactly(task("e").id());
    apply(decider.growEach(job, task("e").id(), now));
    assertThat(items()).hasSize(items);
    assertThat(decider.eachesToGrow(job)).isEmpty();
  }

  @Test
  void anEachOverSomethingThatIsNotAListFailsTheJobNamingTheExpression() throws Exception {
    submit("name: j\ntasks:\n- name: e\n  each:\n    list: '{{ 5 }}'\n    task:\n      name: item\n      run: echo\n");
    assertThat(job.state()).isEqualTo(JobState.FAILED);
    assertThat(task("e").error()).contains("each.list").contains("is not a list");
  }

  @Test
  void aSubjobTaskRunsWithoutAWorkerAndCompletesWithItsChildJob() throws Exception {
    submit("name: j\ntasks:\n- name: s\n  subjob:\n    name: child\n    tasks:\n    - name: c\n      run: echo c\n");
    Task s = task("s");
    assertThat(s.state()).isEqualTo(TaskState.RUNNING);
    assertThat(s.nodeId()).isNull();
    succeeded(s, null);
    assertThat(job.state()).isEqualTo(JobState.COMPLETED);
  }

  @Test
  void aTaskWhoseIfIsFalseIsSkippedAndTheJobMovesOn() throws Exception {
    Decision d = submit("name: j\ntasks:\n- name: a\n  if: 'false'\n  run: echo a\n- name: b\n  run: echo b\n");
    assertThat(types(d)).containsSubsequence(TaskCreated.class, TaskSkipped.class, JobAdvanced.class, TaskCreated.class);
    assertThat(task("a").state()).isEqualTo(TaskState.SKIPPED);
    assertThat(task("b").state()).isEqualTo(TaskState.SCHEDULED);
  }

  // ---- failures, retries, cancel, restart ----------------------------------------------------

  @Test
  void aFailedTaskIsRetriedWithItsBackoffThenFailsTheJob() throws Exception {
    submit("name: j\ntasks:\n- name: a\n  run: exit 1\n  retry:\n    limit: 2\n    initialDelay: 10s\n"
        + "    scalingFactor: 3\n");
    Instant failedAt = now;
    started(task("a"));
    failedAt = now;
    failed(task("a"), TaskFailed.Cause.TASK);
    assertThat(tasks("a")).hasSize(2);
    assertThat(task("a").attempts()).isEqualTo(1);
    assertThat(task("a").scheduledAt()).isEqualTo(failedAt.plusSeconds(10));
    assertThat(job.state()).isIn(JobState.SCHEDULED, JobState.RUNNING);

    started(task("a"));
    failedAt = now;
    failed(task("a"), TaskFailed.Cause.TASK);
    assertThat(task("a").scheduledAt()).isEqualTo(failedAt.plusSeconds(30));

    started(task("a"));
    failed(task("a"), TaskFailed.Cause.TASK);
    assertThat(tasks("a")).hasSize(3);
    assertThat(job.state()).isEqualTo(JobState.FAILED);
  }

  @Test
  void aTimedOutTaskFailsWithItsCause() throws Exception {
    submit("name: j\ntasks:\n- name: a\n  run: sleep 60\n  timeout: 1s\n");
    started(task("a"));
    Decision d = report(new TaskReport.RunFailed(task("a").id(), task("a").run(), "timeout: the task ran longer than 1s",
        TaskFailed.Cause.TIMEOUT, now));
    assertThat(d.events()).filteredOn(TaskFailed.class::isInstance).singleElement()
        .isInstanceOfSatisfying(TaskFailed.class, f -> assertThat(f.cause()).isEqualTo(TaskFailed.Cause.TIMEOUT));
    assertThat(job.state()).isEqualTo(JobState.FAILED);
    assertThat(job.error()).startsWith("timeout");
  }

  @Test
  void cancelStopsEveryActiveTaskAndOnlyARunningJobCanBeCancelled() throws Exception {
    assertThat(decider.cancel(job, "u", now).refusal()).isInstanceOf(JobEntity.NotFound.class);
    submit("name: j\ntasks:\n- name: p\n  parallel:\n    tasks:\n    - name: c1\n      run: sleep 9\n"
        + "    - name: c2\n      run: sleep 9\n");
    Decision d = apply(decider.cancel(job, "u", now));
    assertThat(types(d).get(0)).isEqualTo(JobCancelled.class);
    assertThat(d.events()).filteredOn(TaskCancelled.class::isInstance).hasSize(3);
    assertThat(job.state()).isEqualTo(JobState.CANCELLED);
    assertThat(decider.cancel(job, "u", now).refusal()).isInstanceOfSatisfying(JobEntity.Rejected.class,
        r -> assertThat(r.message()).isEqualTo("job is not running"));
    // A report from a cancelled run changes nothing.
    assertThat(report(new TaskReport.RunSucceeded(task("c1").id(), task("c1").run(), "late", now)).events()).isEmpty();
  }

  @Test
  void restartRunsAFailedJobAgainFromTheTaskThatFailed() throws Exception {
    submit("name: j\ntasks:\n- name: a\n  run: echo a\n- name: b\n  run: exit 1\n");
    assertThat(decider.restart(job, "u", now).refusal()).isInstanceOfSatisfying(JobEntity.Rejected.class,
        r -> assertThat(r.message()).contains("can not be restarted"));
    started(task("a"));
    succeeded(task("a"), "A");
    started(task("b"));
    failed(task("b"), TaskFailed.Cause.TASK);
    assertThat(job.state()).isEqualTo(JobState.FAILED);

    Decision d = apply(decider.restart(job, "u", now));
    assertThat(types(d)).containsExactly(JobRestarted.class, TaskCreated.class);
    assertThat(job.state()).isEqualTo(JobState.RUNNING);
    assertThat(tasks("a")).hasSize(1);
    assertThat(tasks("b")).hasSize(2);
    started(task("b"));
    succeeded(task("b"), "B");
    assertThat(job.state()).isEqualTo(JobState.COMPLETED);
    assertThat(decider.delete(job, "u", null, now).events()).singleElement()
        .satisfies(e -> assertThat(e.getClass().getSimpleName()).isEqualTo("JobDeleted"));
  }

  @Test
  void onlyAFinishedJobCanBeDeleted() throws Exception {
    submit("name: j\ntasks:\n- name: a\n  run: echo a\n");
    assertThat(decider.delete(job, "u", null, now).refusal()).isInstanceOfSatisfying(JobEntity.Rejected.class,
        r -> assertThat(r.message()).isEqualTo("job is SCHEDULED and can not be deleted"));
  }

  // ---- worker lost, both ways ----------------------------------------------------------------

  @Test
  void byDefaultALostRunIsRedeliveredAsTheSameExecutionUpToTheLimit() throws Exception {
    submit("name: j\ntasks:\n- name: a\n  run: echo a\n  retry:\n    limit: 5\n");
    for (int i = 1; i <= MAX_REDELIVERIES; i++) {
      started(task("a"));
      Decision d = report(new TaskReport.RunLost(task("a").id(), task("a").run(), "worker lost: n1 left", null));
      assertThat(types(d)).containsExactly(TaskRunLost.class);
      assertThat(d.effects()).singleElement().isInstanceOfSatisfying(Note.class,
          n -> assertThat(n.text()).contains("running it again"));
      assertThat(tasks("a")).hasSize(1);
      assertThat(task("a").redelivered()).isEqualTo(i);
      assertThat(task("a").state()).isEqualTo(TaskState.SCHEDULED);
    }
    started(task("a"));
    report(new TaskReport.RunLost(task("a").id(), task("a").run(), "worker lost: n1 left", "n1"));
    Task lost = tasks("a").get(0);
    assertThat(lost.state()).isEqualTo(TaskState.FAILED);
    assertThat(lost.error()).contains("jtork.job.max-redeliveries = " + MAX_REDELIVERIES);
    // The failure is a failed attempt like any other: the task's own retry takes over.
    assertThat(tasks("a")).hasSize(2);
  }

  @Test
  void whenLostRunsCountAsRetriesALostRunIsAFailedAttempt() throws Exception {
    decider = decider(true);
    submit("name: j\ntasks:\n- name: a\n  run: echo a\n  retry:\n    limit: 1\n");
    started(task("a"));
    Decision d = report(new TaskReport.RunLost(task("a").id(), task("a").run(), "worker lost: n1 left", "n1"));
    assertThat(d.events()).filteredOn(TaskFailed.class::isInstance).singleElement()
        .isInstanceOfSatisfying(TaskFailed.class, f -> {
          assertThat(f.cause()).isEqualTo(TaskFailed.Cause.WORKER_LOST);
          assertThat(f.error()).isEqualTo("worker lost: n1 left");
        });
    assertThat(tasks("a")).hasSize(2);
    started(task("a"));
    report(new TaskReport.RunLost(task("a").id(), task("a").run(), "worker lost: n2 left", null));
    assertThat(job.state()).isEqualTo(JobState.FAILED);
  }

  // ---- webhooks and secrets ------------------------------------------------------------------

  @Test
  void aStateChangeOwesItsWebhookInTheSameDecisionAndAFailedAttemptIsRetriedLater() throws Exception {
    submit("name: j\ntasks:\n- name: a\n  run: echo a\nwebhooks:\n- url: http://127.0.0.1:9/hook\n");
    started(task("a"));
    Decision done = succeeded(task("a"), "A");
    assertThat(types(done)).containsSubsequence(JobCompleted.class, WebhookQueued.class);
    String callId = job.outbox().get(job.outbox().size() - 1).id();
    String first = job.outbox().get(0).id();

    Decision refused = apply(decider.webhookAttempted(job, first, "http://127.0.0.1:9/hook", 500, null, true, now));
    assertThat(refused.events()).singleElement().isInstanceOfSatisfying(WebhookAttempted.class,
        a -> assertThat(a.done()).isFalse());
    assertThat(refused.effects()).contains(new RetryWebhook(Duration.ofSeconds(2)));
    assertThat(refused.effects()).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(Note.class,
        n -> assertThat(n.warning()).isTrue()));
    assertThat(job.outbox().get(0).attempts()).isEqualTo(1);

    Decision delivered = apply(decider.webhookAttempted(job, first, "http://127.0.0.1:9/hook", 204, null, true, now));
    assertThat(delivered.effects()).isEmpty();
    assertThat(job.outbox()).extracting(c -> c.id()).doesNotContain(first);
    assertThat(decider.webhookAttempted(job, "gone", "u", 200, null, true, now).events()).isEmpty();
    assertThat(callId).isNotNull();
  }

  @Test
  void aSecretInAResultOrErrorIsRedactedBeforeItIsJournaled() throws Exception {
    submit("name: j\nsecrets:\n  token: s3cr3t-value\ntasks:\n- name: a\n  var: out\n  run: echo a\n"
        + "- name: b\n  run: exit 1\n");
    started(task("a"));
    succeeded(task("a"), "got s3cr3t-value");
    assertThat(task("a").result()).isEqualTo("got [REDACTED]");
    assertThat(job.context().tasks()).containsEntry("out", "got [REDACTED]");
    started(task("b"));
    report(new TaskReport.RunFailed(task("b").id(), task("b").run(), "bad s3cr3t-value", TaskFailed.Cause.TASK, now));
    assertThat(job.error()).isEqualTo("bad [REDACTED]");
  }
}
