package io.jtork.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class JobSpecReaderTest {

  private static List<String> errors(String body, JobSpecReader.Format f) {
    try {
      JobSpecReader.readJob(body, f);
      return List.of();
    } catch (InvalidSpecException e) {
      return e.errors().stream().map(SpecError::toString).toList();
    }
  }

  @Test
  void readsTheHelloJobFromYaml() throws Exception {
    JobSpec job = JobSpecReader.readJob("""
        name: hello job
        tasks:
        - name: say hello
          var: task1
          image: ubuntu:mantic
          run: |
            echo -n hello world > $TORK_OUTPUT
        """, JobSpecReader.Format.YAML);
    assertThat(job.name()).isEqualTo("hello job");
    assertThat(job.tasks()).singleElement().satisfies(t -> {
      assertThat(t.var()).isEqualTo("task1");
      assertThat(t.run()).isEqualTo("echo -n hello world > $TORK_OUTPUT\n");
    });
  }

  @Test
  void readsJsonWithEveryNestedObject() throws Exception {
    JobSpec job = JobSpecReader.readJob("""
        {"name":"j","description":"d","tags":["a"],"inputs":{"k":"v"},"secrets":{"s":"x"},"output":"{{1}}",
         "defaults":{"retry":{"limit":2},"limits":{"cpus":".5","memory":"10m"},"timeout":"5s","queue":"q","priority":3},
         "webhooks":[{"url":"http://h/x","headers":{"a":"b"},"event":"job.StateChange","if":"true"}],
         "permissions":[{"user":"u"},{"role":"r"}],"autoDelete":{"after":"1h"},"wait":{"timeout":"10s"},
         "tasks":[{"name":"t","parallel":{"tasks":[{"name":"c","run":"x"}]}},
                  {"name":"e","each":{"list":"{{ [1] }}","var":"it","concurrency":2,"task":{"name":"c"}}},
                  {"name":"s","subjob":{"name":"sj","tasks":[{"name":"x"}],"detached":true,"inputs":{"a":"b"}}},
                  {"name":"m","run":"x","mounts":[{"type":"volume","target":"/x","opts":{"o":"1"}}],
                   "pre":[{"name":"p","run":"x"}],"post":[{"name":"q","run":"y"}],
                   "sidecars":[{"name":"s","image":"i","probe":{"path":"/","port":80,"timeout":"5s"}}],
                   "registry":{"username":"u","password":"p"},"retry":{"limit":1,"initialDelay":"1s","scalingFactor":2},
                   "networks":["n"],"files":{"a.txt":"x"},"cmd":["a"],"entrypoint":["b"],"gpus":"all","workdir":"/w","if":"true"}]}
        """, JobSpecReader.Format.JSON);
    assertThat(job.waitFor().timeout()).isEqualTo("10s");
    assertThat(job.tasks().get(1).each().var()).isEqualTo("it");
    assertThat(job.tasks().get(2).subjob().detached()).isTrue();
    assertThat(job.tasks().get(3).sidecars().get(0).probe().port()).isEqualTo(80);
    assertThat(job.tasks().get(3).condition()).isEqualTo("true");
    assertThat(job.tasks().get(3).retry().scalingFactor()).isEqualTo(2.0);
  }

  @Test
  void unknownFieldNamesTheFieldAndItsPath() {
    assertThat(errors("name: x\ntasks:\n- name: a\n  imagee: ubuntu\n", JobSpecReader.Format.YAML))
        .containsExactly("tasks[0].imagee: unknown field");
    assertThat(errors("{\"name\":\"x\",\"tasks\":[{\"name\":\"a\",\"imagee\":\"u\"}]}", JobSpecReader.Format.JSON))
        .containsExactly("tasks[0].imagee: unknown field");
  }

  @Test
  void reportsEveryUnknownFieldAtOnceWithNestedPaths() {
    assertThat(errors("""
        name: x
        colour: red
        defaults:
          limits:
            cpu: .5
        tasks:
        - name: a
          limits: {cpus: "1", empty: false}
          retry:
            limit: 1
            delay: 2
        - name: b
          each:
            list: "{{ [1] }}"
            task:
              name: c
              imagee: u
        """, JobSpecReader.Format.YAML)).containsExactlyInAnyOrder(
        "colour: unknown field",
        "defaults.limits.cpu: unknown field",
        "tasks[0].limits.empty: unknown field",
        "tasks[0].retry.delay: unknown field",
        "tasks[1].each.task.imagee: unknown field");
  }

  @Test
  void scheduleIsNotAJobField() {
    assertThat(errors("name: x\nschedule:\n  cron: '* * * * *'\ntasks:\n- name: a\n", JobSpecReader.Format.YAML))
        .containsExactly("schedule: unknown field");
  }

  @Test
  void valuesOfTheWrongTypeNameThePath() {
    assertThat(errors("name: x\ntasks:\n- name: a\n  retry:\n    limit: lots\n", JobSpecReader.Format.YAML))
        .containsExactly("tasks[0].retry.limit: expected an integer, got \"lots\"");
    assertThat(errors("{\"name\":\"x\",\"tasks\":\"none\"}", JobSpecReader.Format.JSON))
        .singleElement().asString().startsWith("tasks: expected a list");
    assertThat(errors("{\"name\":\"x\",\"tasks\":[{\"name\":\"a\",\"env\":[\"A=1\"]}]}", JobSpecReader.Format.JSON))
        .singleElement().asString().startsWith("tasks[0].env: expected a map of strings");
  }

  @Test
  void malformedDocumentsSayWhere() {
    assertThat(errors("{\"name\": ", JobSpecReader.Format.JSON)).singleElement().asString().startsWith("invalid JSON");
    assertThat(errors("name: [unclosed\n", JobSpecReader.Format.YAML)).singleElement().asString()
        .startsWith("invalid YAML");
    assertThat(errors("name: a\nname: b\ntasks: []\n", JobSpecReader.Format.YAML)).singleElement().asString()
        .contains("name");
    assertThat(errors("   ", JobSpecReader.Format.YAML)).containsExactly("the request body is empty");
    assertThat(errors("---\n", JobSpecReader.Format.YAML)).containsExactly("the document is empty");
  }

  @Test
  void contentTypesFollowTork() {
    assertThat(JobSpecReader.Format.ofContentType("application/json")).contains(JobSpecReader.Format.JSON);
    assertThat(JobSpecReader.Format.ofContentType("application/json; charset=UTF-8")).contains(JobSpecReader.Format.JSON);
    assertThat(JobSpecReader.Format.ofContentType("text/yaml")).contains(JobSpecReader.Format.YAML);
    assertThat(JobSpecReader.Format.ofContentType("application/x-yaml")).contains(JobSpecReader.Format.YAML);
    assertThat(JobSpecReader.Format.ofContentType("text/plain")).isEmpty();
    assertThat(JobSpecReader.Format.ofContentType(null)).isEmpty();
  }

  @Test
  void secretsNeverShowInTheSpecsStringForm() throws Exception {
    JobSpec job = JobSpecReader.readJob("name: x\nsecrets:\n  pw: hunter2\ntasks:\n- name: a\n",
        JobSpecReader.Format.YAML);
    assertThat(job.toString()).doesNotContain("hunter2").contains("pw");
    assertThatThrownBy(() -> JobSpecReader.readJob("name: x\nsecrets: {pw: hunter2}\ntaskz: []\n",
        JobSpecReader.Format.YAML)).hasMessageNotContaining("hunter2");
  }
}
