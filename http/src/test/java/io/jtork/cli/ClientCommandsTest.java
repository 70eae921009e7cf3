package io.jtork.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.jtork.api.TestNode;
import io.jtork.json.Json;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Each client command of {@code jtork} against a whole node in this JVM (H2, shell runtime). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientCommandsTest {
  TestNode node;

  @TempDir
  Path dir;

  @BeforeAll
  void start() throws Exception {
    node = TestNode.h2(Map.of());
  }

  @AfterAll
  void stop() throws Exception {
    if (node != null) node.close();
  }

  private Jtork jtork(String... args) {
    String[] all = new String[args.length + 2];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--endpoint";
    all[args.length + 1] = node.base;
    return Jtork.run(all);
  }

  private Path file(String name, String text) throws Exception {
    return Files.writeString(dir.resolve(name), text);
  }

  private static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** The id in {@code job <id> "<name>" submitted}. */
  private static String submittedId(Jtork r) {
    String first = r.out().lines().findFirst().orElseThrow();
    assertThat(first).as(r.toString()).matches("job [0-9a-f]{32} \".*\" submitted");
    return first.split(" ")[1];
  }

  @Test
  void submitPrintsTheJobAndWaitsForItsEnd() throws Exception {
    String name = unique("hello");
    Path job = file("hello.yaml", """
        name: %s
        tasks:
        - name: say hello
          run: echo hello
        """.formatted(name));
    Jtork r = jtork("submit", job.toString(), "--wait");
    assertThat(r.code()).as(r.toString()).isZero();
    String id = submittedId(r);
    assertThat(r.out()).contains("job " + id + " \"" + name + "\" submitted");
    assertThat(r.out().lines().toList().get(1)).matches("job " + id + " COMPLETED in \\d+\\.\\ds");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void submitInputsOverrideAndExtendTheFilesInputsAndYamlStaysYaml() throws Exception {
    // env: {N: 5} is a string in YAML (and would be refused as a number in JSON): sent as YAML again.
    Path job = file("inputs.yaml", """
        name: inputs
        inputs:
          greeting: hello
          who: world
        tasks:
        - name: greet
          env:
            N: 5
            GREETING: "{{ inputs.greeting }}"
            WHO: "{{ inputs.who }}"
            EXTRA: "{{ inputs.extra }}"
          run: echo "$GREETING $WHO $EXTRA $N"
        """);
    Jtork r = jtork("submit", job.toString(), "--input", "greeting=bonjour", "--input", "extra=a=b", "--wait");
    assertThat(r.code()).as(r.toString()).isZero();
    JsonNode submitted = node.get("/jobs/" + submittedId(r)).json();
    assertThat(submitted.path("inputs")).isEqualTo(Json.json().valueToTree(
        Map.of("greeting", "bonjour", "who", "world", "extra", "a=b")));
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> jtork("logs", submitted.path("id").asText()).out()
        .equals("bonjour world a=b 5\n"));
  }

  @Test
  void submitSendsJsonAsJsonAndPrintsTheAnswerAsJsonOrYaml() throws Exception {
    Path job = file("job.json", """
        {"name": "as json", "inputs": {"a": "1"}, "tasks": [{"name": "t", "run": "echo {{ inputs.a }}"}]}
        """);
    Jtork json = jtork("submit", job.toString(), "--input", "a=2", "--output", "json");
    assertThat(json.code()).as(json.toString()).isZero();
    JsonNode answer = Json.json().readTree(json.out());
    assertThat(answer.path("name").asText()).isEqualTo("as json");
    assertThat(answer.at("/inputs/a").asText()).isEqualTo("2");

    Jtork yaml = jtork("submit", job.toString(), "-o", "yaml", "--wait");
    assertThat(yaml.code()).as(yaml.toString()).isZero();
    JsonNode finished = Json.yaml().readTree(yaml.out());
    assertThat(finished.path("state").asText()).isEqualTo("COMPLETED");
    assertThat(finished.path("execution")).hasSize(1);
  }

  @Test
  void submitReadsTheJobFromStandardInput() {
    InputStream stdin = System.in;
    try {
      System.setIn(new ByteArrayInputStream("{\"name\": \"from stdin\", \"tasks\": [{\"name\": \"a\", \"run\": \"echo\"}]}"
          .getBytes(StandardCharsets.UTF_8)));
      Jtork r = jtork("submit", "-", "--wait");
      assertThat(r.code()).as(r.toString()).isZero();
      assertThat(r.out()).contains("\"from stdin\" submitted").contains("COMPLETED in");
    } finally {
      System.setIn(stdin);
    }
  }

  @Test
  void submitWaitExitsOneWithTheErrorWhenTheJobFails() throws Exception {
    Path job = file("fails.yaml", """
        name: fails
        tasks:
        - name: broken
          run: echo "disk full"; exit 3
        """);
    Jtork r = jtork("submit", job.toString(), "--wait");
    assertThat(r.code()).as(r.toString()).isEqualTo(1);
    String id = submittedId(r);
    assertThat(r.out()).containsPattern("job " + id + " FAILED in \\d+\\.\\ds: exit code 3: disk full");
  }

  @Test
  void aJobFileTheNodeRefusesShowsItsMessageAndEachErrorPathOnOneLine() throws Exception {
    Path job = file("bad.yaml", """
        name: bad
        tasks:
        - run: echo
        - name: b
          timeout: forever
          retry: {limit: 100}
        """);
    Jtork r = jtork("submit", job.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err().lines()).hasSize(1);
    assertThat(r.err()).startsWith("jtork: invalid job: ")
        .contains("tasks[0].name: required", "tasks[1].retry.limit: must be between 1 and 10",
            "tasks[1].timeout: invalid duration \"forever\"");
  }

  @Test
  void describeAddsTheErrorPathsThatACutMessageLeftOut() {
    JsonNode body = Json.json().valueToTree(Map.of("message", "invalid job: tasks[0].name: required; ... (cut)",
        "errors", List.of(Map.of("path", "tasks[0].name", "message", "required"),
            Map.of("path", "tasks[7].image", "message", "required")), "totalErrors", 120));
    assertThat(ClientOptions.describe(new ClientOptions.Answer(400, body))).isEqualTo(
        "invalid job: tasks[0].name: required; ... (cut); tasks[7].image: required (120 errors in all)");
  }

  @Test
  void aFileThatCannotBeReadOrParsedIsNamed() throws Exception {
    Jtork missing = jtork("submit", dir.resolve("nope.yaml").toString());
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.err()).startsWith("jtork: cannot read " + dir.resolve("nope.yaml")).hasLineCount(1);

    Path broken = file("broken.yaml", "name: x\ntasks: [\n");
    Jtork r = jtork("submit", broken.toString(), "--input", "a=b");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).startsWith("jtork: " + broken + " is not valid YAML: ").hasLineCount(1);
  }

  @Test
  void jobsListsTheNewestFirstAndFiltersByStateAndQuery() throws Exception {
    String name = unique("listed");
    String done = node.submit("name: " + name + "\ntasks:\n- name: a\n  run: echo\n");
    node.awaitState(done, "COMPLETED");
    String failed = node.submit("name: " + name + "\ntasks:\n- name: a\n  run: exit 1\n");
    node.awaitState(failed, "FAILED");

    // GET /jobs reads the read model, which the projection brings up to date shortly after the end.
    Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() ->
        jtork("jobs", "-q", name + " completed").out().contains(done)
            && jtork("jobs", "-q", name + " failed").out().contains(failed));
    Jtork all = jtork("jobs", "-q", name);
    assertThat(all.code()).as(all.toString()).isZero();
    List<String> lines = all.out().lines().toList();
    assertThat(lines.get(0)).matches("ID +NAME +STATE +PROGRESS +CREATED");
    assertThat(lines.get(1)).startsWith(failed).contains(name, "FAILED");
    assertThat(lines.get(2)).startsWith(done).contains(name, "COMPLETED", "100%");
    assertThat(lines.get(3)).isEqualTo("page 1 of 1 (2 jobs)");

    Jtork completed = jtork("jobs", "-q", name, "--state", "COMPLETED", "--output", "json");
    assertThat(completed.code()).as(completed.toString()).isZero();
    JsonNode page = Json.json().readTree(completed.out());
    assertThat(page.path("items")).hasSize(1);
    assertThat(page.at("/items/0/id").asText()).isEqualTo(done);

    Jtork none = jtork("jobs", "-q", unique("nothing"));
    assertThat(none.out()).startsWith("no jobs\n");
  }

  @Test
  void jobShowsTheJobAndOneRowPerTaskWithChildrenIndented() throws Exception {
    Path marker = TestNode.taskDir("jtork-cli-job-").resolve("once");
    String id = node.submit("""
        name: shown
        tasks:
        - name: flaky
          retry: {limit: 2}
          run: if [ -f %s ]; then exit 0; fi; touch %s; echo nope; exit 1
        - name: fan
          parallel:
            tasks:
            - {name: left, run: echo left}
            - {name: right, run: echo right}
        - name: items
          each:
            list: "{{ sequence(1,3) }}"
            task: {name: "item {{ item.value }}", run: echo}
        """.formatted(marker, marker));
    node.awaitState(id, "COMPLETED");
    Jtork r = jtork("job", id);
    assertThat(r.code()).as(r.toString()).isZero();
    List<String> lines = r.out().lines().toList();
    assertThat(lines).contains("id         " + id, "name       shown", "state      COMPLETED",
        "progress   100% (task 3 of 3)");
    assertThat(lines).anyMatch(l -> l.matches("duration +\\d+\\.\\ds"));
    int header = lines.indexOf(lines.stream().filter(l -> l.startsWith("TASK")).findFirst().orElseThrow());
    assertThat(lines.get(header)).matches("TASK +STATE +PROGRESS +STARTED +DURATION +ATTEMPT +ERROR");
    assertThat(lines.subList(header + 1, lines.size())).satisfiesExactly(
        l -> assertThat(l).matches("flaky +FAILED +- +\\S+ +\\d+\\.\\ds +1/3 +exit code 1: nope"),
        l -> assertThat(l).matches("flaky +COMPLETED +100% .* 2/3"),
        l -> assertThat(l).matches("fan +COMPLETED +2/2 .*"),
        l -> assertThat(l).matches("  left +COMPLETED +100% .*"),
        l -> assertThat(l).matches("  right +COMPLETED +100% .*"),
        l -> assertThat(l).matches("items +COMPLETED +2/2 .*"),
        l -> assertThat(l).matches("  item 1 +COMPLETED .*"),
        l -> assertThat(l).matches("  item 2 +COMPLETED .*"));

    JsonNode yaml = Json.yaml().readTree(jtork("job", id, "--output", "yaml").out());
    assertThat(yaml.path("id").asText()).isEqualTo(id);
    assertThat(yaml.path("execution")).hasSize(8);
  }

  @Test
  void logsPrintsTheWholeLogOldestFirst() throws Exception {
    String id = node.submit("""
        name: chatty
        tasks:
        - name: count
          run: for i in $(seq 1 150); do echo "line $i"; done
        - name: after
          run: echo the end
        """);
    node.awaitState(id, "COMPLETED");
    StringBuilder expected = new StringBuilder();
    for (int i = 1; i <= 150; i++) expected.append("line ").append(i).append('\n');
    expected.append("the end\n");
    Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
        .until(() -> jtork("logs", id).out().equals(expected.toString()));

    JsonNode parts = Json.json().readTree(jtork("logs", id, "-o", "json").out());
    assertThat(parts.isArray()).isTrue();
    assertThat(parts.get(parts.size() - 1).path("contents").asText()).isEqualTo("the end\n");
  }

  @Test
  void cancelAndRestartAJob() throws Exception {
    Path marker = TestNode.taskDir("jtork-cli-cancel-").resolve("slept");
    String id = node.submit("""
        name: slow
        tasks:
        - name: sleeps once
          run: if [ -f %s ]; then exit 0; fi; touch %s; sleep 60
        """.formatted(marker, marker));
    // RUNNING is reported before the script runs: cancelled earlier, the restart would sleep again.
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(marker));
    Jtork cancel = jtork("cancel", id);
    assertThat(cancel.code()).as(cancel.toString()).isZero();
    assertThat(cancel.out()).isEqualTo("cancelled job " + id + "\n");
    node.awaitState(id, "CANCELLED");

    Jtork restart = jtork("restart", id, "--output", "json");
    assertThat(restart.code()).as(restart.toString()).isZero();
    assertThat(Json.json().readTree(restart.out()).path("status").asText()).isEqualTo("OK");
    node.awaitState(id, "COMPLETED");

    Jtork again = jtork("restart", id);
    assertThat(again.code()).isEqualTo(1);
    assertThat(again.err()).isEqualTo("jtork: job is COMPLETED and can not be restarted\n");
  }

  @Test
  void schedulesAreListedPausedResumedAndDeleted() throws Exception {
    String name = unique("nightly");
    TestNode.Response created = node.post("/scheduled-jobs", "text/yaml", """
        name: %s
        schedule: {cron: "0 3 * * *"}
        tasks: [{name: report, run: echo}]
        """.formatted(name));
    assertThat(created.status()).as(created.body()).isEqualTo(200);
    String id = created.json().path("id").asText();

    Jtork list = jtork("schedules");
    assertThat(list.code()).as(list.toString()).isZero();
    assertThat(list.out().lines().findFirst().orElseThrow()).matches("ID +NAME +CRON +STATE +CREATED");
    assertThat(list.out()).containsPattern(id + " +" + name + " +0 3 \\* \\* \\* +ACTIVE");

    Jtork pause = jtork("schedule", "pause", id);
    assertThat(pause.out()).as(pause.toString()).isEqualTo("paused scheduled job " + id + "\n");
    assertThat(jtork("schedules", "-o", "json").out()).contains("\"PAUSED\"");
    Jtork twice = jtork("schedule", "pause", id);
    assertThat(twice.code()).isEqualTo(1);
    assertThat(twice.err()).isEqualTo("jtork: scheduled job is not active\n");

    assertThat(jtork("schedule", "resume", id).out()).isEqualTo("resumed scheduled job " + id + "\n");
    Jtork delete = jtork("schedule", "delete", id, "--output", "yaml");
    assertThat(delete.code()).as(delete.toString()).isZero();
    assertThat(Json.yaml().readTree(delete.out()).path("status").asText()).isEqualTo("OK");

    Jtork gone = jtork("schedule", "delete", id);
    assertThat(gone.code()).isEqualTo(1);
    assertThat(gone.err()).isEqualTo("jtork: scheduled job " + id + " not found\n");
  }

  @Test
  void anUnknownJobIsNotFound() {
    String id = "0123456789abcdef0123456789abcdef";
    for (String command : List.of("job", "logs", "cancel", "restart")) {
      Jtork r = jtork(command, id);
      assertThat(r.code()).as(command).isEqualTo(1);
      assertThat(r.err()).as(command).isEqualTo("jtork: job " + id + " not found\n");
    }
    Jtork follow = jtork("logs", id, "--follow");
    assertThat(follow.err()).isEqualTo("jtork: job " + id + " not found\n");
  }

  @Test
  void aNodeThatDoesNotAnswerIsNamed() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String endpoint = "http://127.0.0.1:" + port;
    for (List<String> command : List.of(List.of("jobs"), List.of("job", "x"), List.of("schedules"),
        List.of("logs", "x", "--follow"), List.of("submit", file("any.yaml", "name: a\n").toString()))) {
      Jtork r = Jtork.run(Stream.concat(command.stream(), Stream.of("--endpoint", endpoint)).toArray(String[]::new));
      assertThat(r.code()).as(command.toString()).isEqualTo(1);
      assertThat(r.err()).as(command.toString()).startsWith("jtork: " + endpoint + " does not answer: ").hasLineCount(1);
    }
  }

  @Test
  void withoutACommandJtorkListsThem() {
    Jtork r = Jtork.run();
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("choose a command: run, migration, health, submit, jobs, job, logs, cancel, restart,"
        + " events, schedules, schedule, replay");
  }
}
