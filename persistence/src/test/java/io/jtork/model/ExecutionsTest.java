package io.jtork.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.jtork.json.Json;
import io.jtork.spec.EachSpec;
import io.jtork.spec.SubJobSpec;
import io.jtork.spec.TaskSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ExecutionsTest {
  private static final Instant AT = Instant.parse("2026-11-29T10:00:00Z");
  private static final TaskSpec LEAF = TaskSpec.named("leaf");
  private static final TaskSpec EACH = TaskSpec.builder().name("fan out")
      .each(new EachSpec("{{ sequence(0, 3) }}", null, 2, LEAF)).build();
  private static final TaskSpec SUBJOB = TaskSpec.builder().name("child job")
      .subjob(new SubJobSpec("child", null, List.of(LEAF), null, null, null, null, null, null)).build();

  private static Task task(String id, String parentId, TaskSpec spec) {
    return Task.created(id, "job", parentId, 1, spec, 0, AT);
  }

  @Test
  void findsAndChangesAnExecutionByIdAndLeavesTheOldVersionAsItWas() {
    Executions one = Executions.EMPTY.plus(task("a", null, LEAF)).plus(task("b", null, LEAF));
    Executions two = one.updated("b", t -> t.started(1, "node", "addr", AT));

    assertEquals(TaskState.SCHEDULED, one.find("b").orElseThrow().state());
    assertEquals(TaskState.RUNNING, two.find("b").orElseThrow().state());
    assertEquals(List.of("a", "b"), two.stream().map(Task::id).toList());
    assertTrue(two.find("c").isEmpty());
    assertSame(two, two.updated("c", t -> t.cancelled(AT)), "an unknown id changes nothing");
  }

  @Test
  void countsAParentsChildrenByStateAndListsTheHeldOnesInOrder() {
    Executions e = Executions.EMPTY.plus(task("p", null, EACH));
    for (int i = 0; i < 5; i++) {
      Task child = task("c" + i, "p", LEAF);
      e = e.plus(i < 2 ? child : child.held());
    }
    Executions.Children kids = e.childrenOf("p");
    assertEquals(5, kids.total());
    assertEquals(2, kids.count(TaskState.SCHEDULED));
    assertEquals(3, kids.count(TaskState.CREATED));
    assertEquals(List.of("c2", "c3", "c4"), ids(e.waiting("p")));

    e = e.updated("c3", t -> t.released(AT)).updated("c0", t -> t.completed("out", AT));
    kids = e.childrenOf("p");
    assertEquals(List.of("c2", "c4"), ids(e.waiting("p")));
    assertEquals(1, kids.count(TaskState.COMPLETED));
    assertEquals(2, kids.count(TaskState.SCHEDULED));
    assertTrue(kids.anyActive());
    assertEquals(0, e.childrenOf("c0").total(), "a leaf has no children");
    assertFalse(Executions.Children.NONE.anyActive());
  }

  @Test
  void listsTheRunsInProgressButNotACompositeOrASubJobNotYetStarted() {
    Executions e = Executions.EMPTY.plus(task("each", null, EACH)).plus(task("sub", null, SUBJOB))
        .plus(task("leaf", "each", LEAF)).plus(task("held", "each", LEAF).held());
    assertEquals(List.of("leaf"), ids(e.inProgress()));

    e = e.updated("sub", t -> t.started(1, null, null, AT)).updated("held", t -> t.released(AT))
        .updated("leaf", t -> t.completed(null, AT));
    assertEquals(List.of("sub", "held"), ids(e.inProgress()));
  }

  @Test
  void aJobWithItsExecutionsSurvivesJsonAndIsIndexedAgain() throws Exception {
    Job job = Job.empty("job").withTask(task("p", null, EACH)).withTask(task("c0", "p", LEAF))
        .withTask(task("c1", "p", LEAF).held());
    // strict: a derived getter written as a field (isTopLevel once was) fails the read
    ObjectMapper mapper = Json.json();
    String json = mapper.writeValueAsString(job);
    assertTrue(json.contains("\"execution\":[{"), json);
    Job back = mapper.readValue(json, Job.class);
    assertEquals(job, back);
    assertInstanceOf(Executions.class, back.execution());
    assertEquals(List.of("c1"), ids(back.executions().waiting("p")));
    assertEquals("c0", back.task("c0").orElseThrow().id());
  }

  /**
   * Random changes, each checked against the same questions answered by going through a plain
   * list; half way, the executions are rebuilt from the plain list at once (as a snapshot is read)
   * and the changes go on from there.
   */
  @Test
  void answersAsAScanOfTheWholeListWouldAfterManyRandomChanges() {
    Random random = new Random(42);
    Executions e = Executions.EMPTY;
    List<Task> plain = new ArrayList<>();
    String[] parents = {"p0", "p1", "p2"};
    for (String p : parents) {
      e = e.plus(task(p, null, EACH));
      plain.add(task(p, null, EACH));
    }
    for (int step = 0; step < 3000; step++) {
      if (step == 1500) e = Executions.of(new ArrayList<>(plain));
      if (plain.size() < 10 || random.nextInt(3) == 0) {
        Task t = task("t" + step, parents[random.nextInt(3)], LEAF);
        if (random.nextBoolean()) t = t.held();
        e = e.plus(t);
        plain.add(t);
      } else {
        int i = random.nextInt(plain.size());
        Task t = plain.get(i);
        Task changed = switch (random.nextInt(5)) {
          case 0 -> t.released(AT);
          case 1 -> t.started(t.run(), "n", "a", AT);
          case 2 -> t.completed("x", AT);
          case 3 -> t.failed("boom", null, AT);
          default -> t.held();
        };
        e = e.updated(t.id(), x -> changed);
        plain.set(i, changed);
      }
    }
    assertAnswersAsAScan(plain, e, parents);
    assertAnswersAsAScan(plain, Executions.of(new ArrayList<>(plain)), parents);
  }

  private static void assertAnswersAsAScan(List<Task> plain, Executions e, String[] parents) {
    assertEquals(plain, e);
    for (String p : parents) {
      Executions.Children kids = e.childrenOf(p);
      for (TaskState s : TaskState.values()) {
        assertEquals(plain.stream().filter(t -> p.equals(t.parentId()) && t.state() == s).count(), kids.count(s),
            p + " " + s);
      }
      assertEquals(plain.stream().filter(t -> p.equals(t.parentId()) && t.state() == TaskState.CREATED)
          .map(Task::id).toList(), ids(e.waiting(p)));
    }
    assertEquals(plain.stream().filter(Task::hasRunInProgress).map(Task::id).toList(), ids(e.inProgress()));
    for (Task t : plain) assertEquals(t, e.find(t.id()).orElseThrow());
    assertEquals(Executions.Children.NONE, e.childrenOf("nobody"));
  }

  private static List<String> ids(Iterable<Task> tasks) {
    List<String> out = new ArrayList<>();
    tasks.forEach(t -> out.add(t.id()));
    return out;
  }
}
