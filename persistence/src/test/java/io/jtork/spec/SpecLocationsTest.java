package io.jtork.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class SpecLocationsTest {
  private static final String YAML = """
      name: located
      tasks:
        - name: first
          run: echo one
        - name: second
          env:
            A: b
          parallel:
            tasks:
              - name: inner
                imagee: x
      """;

  @Test
  void fieldsAndItemsHaveTheLineOfTheirKeyOrFirstToken() {
    SpecLocations at = SpecLocations.of(YAML, JobSpecReader.Format.YAML, List.of("name", "tasks[0].run",
        "tasks[1].env.A", "tasks[1].parallel.tasks[0].imagee"));
    assertThat(at.lineOf("name")).hasValue(1);
    assertThat(at.lineOf("tasks")).hasValue(2);
    assertThat(at.lineOf("tasks[0]")).hasValue(3);
    assertThat(at.lineOf("tasks[0].run")).hasValue(4);
    assertThat(at.lineOf("tasks[1].env.A")).hasValue(7);
    assertThat(at.lineOf("tasks[1].parallel.tasks[0].imagee")).hasValue(11);
  }

  @Test
  void aMissingFieldHasTheLineOfItsNearestEnclosingOne() {
    SpecLocations at = SpecLocations.of(YAML, JobSpecReader.Format.YAML, List.of(
        "tasks[1].parallel.tasks[0].image", "tasks[7].name", "nothing"));
    assertThat(at.lineOf("tasks[1].parallel.tasks[0].image")).hasValue(10);
    assertThat(at.lineOf("tasks[7].name")).hasValue(2);
    assertThat(at.lineOf("nothing")).isEmpty();
    assertThat(at.lineOf("")).isEmpty();
  }

  @Test
  void jsonToo() {
    SpecLocations at = SpecLocations.of("{\"name\": \"x\",\n \"tasks\": [\n  {\"name\": \"a\"},\n  {\"run\": 1}]}",
        JobSpecReader.Format.JSON, List.of("tasks[1].run", "tasks[0].name"));
    assertThat(at.lineOf("tasks[1].run")).hasValue(4);
    assertThat(at.lineOf("tasks[0]")).hasValue(3);
  }

  @Test
  void aDocumentThatDoesNotParseGivesWhereItStopped() {
    SpecLocations at = SpecLocations.of("name: x\ntasks:\n- name: a\n  run: [unclosed\n", JobSpecReader.Format.YAML,
        List.of("", "tasks[0].name"));
    assertThat(at.lineOf("")).hasValue(4);
    assertThat(at.lineOf("tasks[0].name")).hasValue(3);
    assertThat(SpecLocations.of("{\"name\": ", JobSpecReader.Format.JSON, List.of("")).lineOf("")).isPresent();
    assertThat(SpecLocations.of(null, JobSpecReader.Format.YAML, List.of("name")).lineOf("name")).isEqualTo(OptionalInt.empty());
  }

  @Test
  void onlyThePathsAskedForAreKeptAndADeepDocumentIsNotFollowedDown() {
    // 900 nested lists holding 100,000 numbers: every item a path, each 900 levels long.
    StringBuilder deep = new StringBuilder("{\"name\": \"x\",\n\"tasks\": ");
    deep.append("[".repeat(900));
    for (int i = 0; i < 100_000; i++) deep.append(i == 0 ? "1" : ",1");
    deep.append("]".repeat(900)).append("}");
    SpecLocations at = SpecLocations.of(deep.toString(), JobSpecReader.Format.JSON, List.of("tasks[0]", "name"));
    assertThat(at.lineOf("tasks[0]")).hasValue(2);
    assertThat(at.lineOf("name")).hasValue(1);
    assertThat(at.lineOf("tasks[0][0][0][0][0]")).hasValue(2); // not asked for: its nearest asked-for one
  }
}
