package io.jtork.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.jtork.event.EachExpanded;
import io.jtork.event.TaskCreated;
import io.jtork.model.Job;
import io.jtork.model.JobState;
import io.jtork.model.Task;
import io.jtork.model.TaskState;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * An {@code each} keeps its items and creates each child in its turn: never more children under
 * way than its {@code concurrency}, and, without one, in batches of {@link JobEntity#EACH_BATCH}
 * per write rather than all in one. Every item still runs once, in order, with its index and value.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EachInTurnTest {
  @TempDir static Path dir;
  private EntityTestNode node;

  @BeforeAll
  void start() throws Exception {
    node = new EntityTestNode(dir, "jtork.worker.queues.default = 8");
  }

  @AfterAll
  void stop() {
    node.close();
  }

  private Job awaitEnd(String id) throws Exception {
    Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
        .until(() -> node.job(id).state().isTerminal());
    return node.job(id);
  }

  private static List<Task> children(Job job) {
    return job.execution().stream().filter(t -> t.parentId() != null).toList();
  }

  @Test
  void aChildIsCreatedOnlyOnceAnEarlierOneHasEndedWhenTheConcurrencyIsReached() throws Exception {
    int items = 60;
    int concurrency = 3;
    Job job = awaitEnd(node.submit("""
        name: in turn
        tasks:
        - name: fan out
          each:
            list: "{{ sequence(0, %d) }}"
            concurrency: %d
            task:
              name: "item {{ item.index }} of value {{ item.value }}"
              run: "true"
        """.formatted(items, concurrency)));
    assertThat(job.state()).as("%s", job.error()).isEqualTo(JobState.COMPLETED);
    List<Task> children = children(job);
    assertThat(children).hasSize(items).allSatisfy(t -> assertThat(t.state()).isEqualTo(TaskState.COMPLETED));
    for (int i = 0; i < items; i++) {
      assertThat(children.get(i).spec().name()).isEqualTo("item " + i + " of value " + i);
    }
    // The i-th child was created no earlier than the (i - concurrency + 1)-th end among the children.
    List<Instant> ends = new ArrayList<>(children.stream().map(Task::completedAt).sorted().toList());
    for (int i = concurrency; i < items; i++) {
      assertThat(children.get(i).createdAt()).as("child %d", i).isAfterOrEqualTo(ends.get(i - concurrency));
    }
    assertThat(job.eachOf(job.execution().get(0).id()).exhausted()).isTrue();
  }

  @Test
  void withoutAConcurrencyChildrenAreCreatedInBatchesAndAllRun() throws Exception {
    int items = JobDecider.EACH_BATCH + 200;
    Job job = awaitEnd(node.submit("""
        name: batches
        tasks:
        - name: fan out
          each:
            list: "{{ sequence(0, %d) }}"
            task:
              name: "item {{ item.index }}"
              run: "true"
        """.formatted(items)));
    assertThat(job.state()).as("%s", job.error()).isEqualTo(JobState.COMPLETED);
    List<Task> children = children(job);
    assertThat(children).hasSize(items);
    assertThat(children).extracting(t -> t.spec().name())
        .containsExactlyElementsOf(java.util.stream.IntStream.range(0, items).mapToObj(i -> "item " + i).toList());
    // The first write holds the list and the first batch; the rest comes after it.
    assertThat(children.get(JobDecider.EACH_BATCH).createdAt()).isAfter(children.get(0).createdAt());
  }

  @Test
  void anEachWhoseChildrenAreAllSkippedCompletes() throws Exception {
    Job job = awaitEnd(node.submit("""
        name: all skipped
        tasks:
        - name: fan out
          each:
            list: "{{ sequence(0, 5) }}"
            concurrency: 2
            task:
              name: "item {{ item.index }}"
              if: "{{ false }}"
              run: "true"
        """));
    assertThat(job.state()).as("%s", job.error()).isEqualTo(JobState.COMPLETED);
    assertThat(children(job)).hasSize(5).allSatisfy(t -> assertThat(t.state()).isEqualTo(TaskState.SKIPPED));
  }

  @Test
  void theItemsAreKeptOnceAndEachChildTakesTheNextOne() throws Exception {
    Job job = Job.empty("j");
    job = new io.jtork.event.JobSubmitted("j", io.jtork.spec.JobSpecReader.readJob(
        "name: j\ntasks:\n- name: e\n  each: {list: \"{{ [1] }}\", task: {name: c, run: x}}\n",
        io.jtork.spec.JobSpecReader.Format.YAML), io.jtork.model.UserRef.GUEST, null, null, Instant.EPOCH).applyTo(job);
    var spec = job.spec().tasks().get(0);
    job = new TaskCreated(Task.created("p", "j", null, 1, spec, 0, Instant.EPOCH)).applyTo(job);
    job = new EachExpanded("p", List.of("a", "b"), "item", java.util.Map.of(), Instant.EPOCH).applyTo(job);
    job = new TaskCreated(Task.created("c1", "j", "p", 1, spec.each().task(), 0, Instant.EPOCH)).applyTo(job);
    assertThat(job.eachOf("p").next()).isEqualTo(1);
    // a retry of that child is a new execution of the same item
    job = new TaskCreated(Task.created("c1b", "j", "p", 1, spec.each().task(), 1, Instant.EPOCH)).applyTo(job);
    assertThat(job.eachOf("p").next()).isEqualTo(1);
    job = new TaskCreated(Task.created("c2", "j", "p", 1, spec.each().task(), 0, Instant.EPOCH)).applyTo(job);
    assertThat(job.eachOf("p").exhausted()).isTrue();
  }
}
