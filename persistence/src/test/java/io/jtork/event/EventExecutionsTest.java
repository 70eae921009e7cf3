package io.jtork.event;

import static org.assertj.core.api.Assertions.assertThat;

import io.jtork.model.Job;
import io.jtork.model.Task;
import io.jtork.model.UserRef;
import io.jtork.model.WebhookCall;
import io.jtork.spec.JobSpec;
import io.jtork.spec.JobSpecReader;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What {@link TaskEvent} promises and webhooks rely on: a task event changes its own execution and
 * no other, {@link TaskCreated} adds one, and every other event leaves the executions as they
 * were (the same list). Each event type is checked; a new type fails the test until it is added.
 */
class EventExecutionsTest {
  private static final Instant AT = Instant.parse("2026-11-29T10:00:00Z");

  private static Job jobOfThreeExecutions() throws Exception {
    JobSpec spec = JobSpecReader.readJob("name: j\ntasks:\n- name: t\n  var: out\n  run: echo hi\n",
        JobSpecReader.Format.YAML);
    Job job = new JobSubmitted("j1", spec, UserRef.GUEST, null, null, AT).applyTo(Job.empty("j1"));
    job = new JobStarted(AT).applyTo(job);
    for (String id : List.of("a", "b", "c")) {
      job = new TaskCreated(Task.created(id, "j1", null, 1, spec.tasks().get(0), 0, AT)).applyTo(job);
    }
    return new TaskStarted("b", 1, "n1", "addr#1", AT).applyTo(job);
  }

  @Test
  void eventsThatAreNotAboutATaskLeaveTheExecutionsAsTheyWere() throws Exception {
    Job job = jobOfThreeExecutions();
    List<JobEvent> events = List.of(new JobStarted(AT), new JobRunning(AT), new JobAdvanced(2, 50, "out", "hi", AT),
        new JobCompleted("done", null, AT), new JobFailed("boom", AT), new JobCancelled("someone", AT),
        new JobRestarted("someone", AT), new TaskOutputStored("out", "hi", AT),
        new WebhookQueued(new WebhookCall("w1", 0, "job.StateChange", "{}", 0), AT),
        new WebhookAttempted("w1", "http://x", 1, 204, null, true, AT), new JobDeleted("someone", "test", AT),
        new EachExpanded("b", List.of("x", "y"), "item", java.util.Map.of(), AT));
    Set<Class<?>> covered = new HashSet<>();
    for (JobEvent e : events) {
      assertThat(e.applyTo(job).executions()).as(e.toString()).isSameAs(job.executions());
      covered.add(e.getClass());
    }
    // JobSubmitted starts a journal (an empty job); TaskCreated and the TaskEvents are checked below.
    covered.add(JobSubmitted.class);
    covered.add(TaskCreated.class);
    covered.add(TaskEvent.class);
    assertThat(covered).as("every kind of event is checked").containsExactlyInAnyOrder(
        JobEvent.class.getPermittedSubclasses());
  }

  @Test
  void aTaskEventChangesItsOwnExecutionAndNoOther() throws Exception {
    Job job = jobOfThreeExecutions();
    List<TaskEvent> events = List.of(new TaskStarted("b", 1, "n2", "addr#2", AT), new TaskProgressed("b", 40, 40, AT),
        new TaskCompleted("b", "hi", AT), new TaskFailed("b", "exit code 1", TaskFailed.Cause.TASK, null, AT),
        new TaskCancelled("b", AT), new TaskSkipped("b", AT), new TaskRunLost("b", 1, "worker lost", AT),
        new TaskReleased("b", AT));
    Set<Class<?>> covered = new HashSet<>();
    for (TaskEvent e : events) {
      Job after = e.applyTo(job);
      assertThat(after.execution()).as(e.toString()).hasSize(3);
      assertThat(after.task("a").orElseThrow()).as(e.toString()).isSameAs(job.task("a").orElseThrow());
      assertThat(after.task("c").orElseThrow()).as(e.toString()).isSameAs(job.task("c").orElseThrow());
      assertThat(after.task("b").orElseThrow()).as(e.toString()).isNotEqualTo(job.task("b").orElseThrow());
      covered.add(e.getClass());
    }
    assertThat(covered).containsExactlyInAnyOrder(TaskEvent.class.getPermittedSubclasses());
  }

  @Test
  void taskCreatedAddsOneExecutionAtTheEnd() throws Exception {
    Job job = jobOfThreeExecutions();
    Task d = Task.created("d", "j1", null, 1, job.spec().tasks().get(0), 0, AT);
    Job after = new TaskCreated(d).applyTo(job);
    assertThat(after.execution()).hasSize(4).endsWith(d);
    assertThat(after.execution().subList(0, 3)).containsExactlyElementsOf(job.execution());
  }
}
