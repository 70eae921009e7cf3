package io.jtork.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The REST API end to end, against a real node (real database, real processes, real HTTP).
 * Subclasses choose the database; every test here runs on each.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ApiContract {
  static final String HELLO = """
      name: hello job
      tasks:
      - name: say hello
        var: task1
        image: ubuntu:mantic
        run: |
          echo -n hello world > $TORK_OUTPUT
      - name: say goodbye
        image: ubuntu:mantic
        run: |
          echo -n bye world
      """;

  TestNode node;

  abstract TestNode startNode() throws Exception;

  TestNode node() throws Exception {
    if (node == null) node = startNode();
    return node;
  }

  @AfterAll
  void stopNode() throws Exception {
    if (node != null) node.close();
  }

  private static String unique() {
    return UUID.randomUUID().toString().replace("-", "").substring(0, 10);
  }

  // ---- nodes, queues, metrics -------------------------------------------------------------

  @Test
  void nodesQueuesAndMetricsDescribeTheWorkersAndTheirWork() throws Exception {
    TestNode n = node();
    JsonNode nodes = n.get("/nodes").json();
    assertThat(nodes).hasSize(1);
    JsonNode worker = nodes.get(0);
    assertThat(worker.get("status").asText()).isEqualTo("UP");
    assertThat(worker.get("queue").asText()).isEqualTo("x-" + worker.get("id").asText());
    assertThat(worker.get("version").asText()).isEqualTo("0.1.0");
    assertThat(worker.at("/queues/default").asInt()).isPositive();
    assertThat(worker.has("startedAt")).isTrue();

    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
        n.get("/queues").json().findValuesAsText("name").contains("default"));
    JsonNode queue = n.get("/queues/default").json();
    assertThat(queue.get("name").asText()).isEqualTo("default");
    assertThat(queue.get("subscribers").asInt()).isPositive();
    TestNode.Response missing = n.get("/queues/no-such-queue");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.json().get("message").asText()).isEqualTo("queue no-such-queue not found");

    String id = n.submit("name: metered\ntasks:\n- name: waits\n  run: sleep 3\n");
    Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> {
      JsonNode m = n.get("/metrics").json();
      return m.at("/jobs/running").asInt() >= 1 && m.at("/tasks/running").asInt() >= 1;
    });
    JsonNode metrics = n.get("/metrics").json();
    assertThat(metrics.at("/nodes/online").asInt()).isEqualTo(1);
    assertThat(metrics.at("/nodes/cpuPercent").isNumber()).isTrue();
    assertThat(n.get("/nodes").json().get(0).get("taskCount").asInt()).isGreaterThanOrEqualTo(1);
    n.awaitState(id, "COMPLETED");
  }

  // ---- running jobs -----------------------------------------------------------------------

  @Test
  void helloJobCompletesWithItsOutputsAndLog() throws Exception {
    TestNode n = node();
    TestNode.Response submitted = n.postYaml(HELLO);
    assertThat(submitted.status()).isEqualTo(200);
    JsonNode summary = submitted.json();
    assertThat(summary.get("id").asText()).matches("[0-9a-f]{32}");
    assertThat(summary.get("name").asText()).isEqualTo("hello job");
    assertThat(summary.has("execution")).isFalse();

    JsonNode job = n.awaitState(summary.get("id").asText(), "COMPLETED", "FAILED");
    assertThat(job.get("state").asText()).isEqualTo("COMPLETED");
    assertThat(job.get("taskCount").asInt()).isEqualTo(2);
    assertThat(job.get("position").asInt()).isEqualTo(3);
    assertThat(job.at("/context/tasks/task1").asText()).isEqualTo("hello world");
    assertThat(job.get("execution")).hasSize(2);
    assertThat(job.at("/execution/0/state").asText()).isEqualTo("COMPLETED");
    assertThat(job.at("/execution/0/result").asText()).isEqualTo("hello world");
    assertThat(job.get("progress").asDouble()).isEqualTo(100.0);
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
        n.get("/jobs/" + summary.get("id").asText() + "/log").body().contains("bye world"));
    TestNode.Response log = n.get("/jobs/" + summary.get("id").asText() + "/log");
    assertThat(log.json().get("items").toString()).contains("the shell runtime ignores image \\\"ubuntu:mantic\\\"");
  }

  @Test
  void jobOutputInputsAndSecretsReachTasksButNeverResponses() throws Exception {
    TestNode n = node();
    TestNode.Response r = n.post("/jobs", "application/json", """
        {"name": "inputs and secrets",
         "inputs": {"greeting": "hi there", "DB_PASSWORD": "swordfish"},
         "secrets": {"token": "s3cr3t-t0ken"},
         "output": "{{ tasks.combined }} / {{ inputs.greeting }}",
         "tasks": [{"name": "combine", "var": "combined",
                    "env": {"GREETING": "{{ inputs.greeting }}", "TOKEN": "{{ secrets.token }}"},
                    "run": "echo token is $TOKEN; echo -n \\"$GREETING ${#TOKEN}\\" > $TORK_OUTPUT"}]}
        """);
    assertThat(r.status()).isEqualTo(200);
    String id = r.json().get("id").asText();
    JsonNode job = n.awaitState(id, "COMPLETED", "FAILED");
    assertThat(job.get("state").asText()).isEqualTo("COMPLETED");
    assertThat(job.get("result").asText()).isEqualTo("hi there 12 / hi there");
    assertThat(job.at("/execution/0/env/GREETING").asText()).isEqualTo("hi there");
    assertThat(job.at("/execution/0/env/TOKEN").asText()).isEqualTo("[REDACTED]");
    assertThat(job.at("/secrets/token").asText()).isEqualTo("[REDACTED]");
    assertThat(job.at("/context/secrets/token").asText()).isEqualTo("[REDACTED]");
    assertThat(job.at("/inputs/DB_PASSWORD").asText()).isEqualTo("[REDACTED]");
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> n.get("/jobs/" + id + "/log").body()
        .contains("token is"));
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> n.get("/jobs?q=inputs").body().contains(id));
    for (String body : List.of(n.get("/jobs/" + id).body(), n.get("/jobs/" + id + "/log").body(),
        n.get("/jobs?q=inputs").body(), n.get("/jobs/" + id + "/events").body(),
        n.get("/tasks/" + job.at("/execution/0/id").asText()).body())) {
      assertThat(body).doesNotContain("s3cr3t-t0ken").doesNotContain("swordfish");
    }
    assertThat(n.get("/jobs/" + id + "/log").body()).contains("token is [REDACTED]");
  }

  @Test
  void retriesAFailedTaskUntilItSucceeds() throws Exception {
    TestNode n = node();
    Path counter = TestNode.taskFile("jtork-retry", ".count");
    // Before the submit: the first attempt may start before this method's next line.
    Files.writeString(counter, "0");
    String id = n.submit("""
        name: flaky
        tasks:
        - name: fails once
          retry:
            limit: 2
          run: |
            n=$(cat %s); n=$((n+1)); echo $n > %s
            [ $n -ge 2 ] || { echo "attempt $n failed"; exit 1; }
            echo -n "ok after $n" > $TORK_OUTPUT
        """.formatted(counter, counter));
    JsonNode job = n.awaitState(id, "COMPLETED", "FAILED");
    assertThat(job.get("state").asText()).isEqualTo("COMPLETED");
    assertThat(job.get("execution")).hasSize(2);
    assertThat(job.at("/execution/0/state").asText()).isEqualTo("FAILED");
    assertThat(job.at("/execution/0/error").asText()).isEqualTo("exit code 1: attempt 1 failed");
    assertThat(job.at("/execution/1/state").asText()).isEqualTo("COMPLETED");
    assertThat(job.at("/execution/1/retry/attempts").asInt()).isEqualTo(1);
    assertThat(job.at("/execution/1/result").asText()).isEqualTo("ok after 2");
  }

  /**
   * Tork's job_defaults.yaml and retry.yaml shapes on the shell runtime (Tork's own shell runtime
   * refuses both): defaults with limits reach the tasks, which run unconfined and say so, and a
   * task with {@code entrypoint: ["bash", "-c"]} retries until its coin comes up heads.
   */
  @Test
  void defaultsWithLimitsAndABashEntrypointRunOnTheShellRuntime() throws Exception {
    TestNode n = node();
    Path counter = TestNode.taskFile("jtork-coin", ".count");
    Files.writeString(counter, "0");
    String id = n.submit("""
        name: defaults and a coin
        defaults:
          limits: {cpus: ".5", memory: 64m}
          timeout: 30s
        tasks:
        - name: sleep
          image: alpine:3.18.3
          run: sleep 0.1
        - name: coin flip
          image: ubuntu:mantic
          entrypoint: ["bash", "-c"]
          retry: {limit: 2}
          run: |
            n=$(( $(cat %s) + 1 )); echo $n > %s
            COINFLIP=$( (( n < 3 )) && echo tails || echo heads)
            echo -n "$COINFLIP" > $TORK_OUTPUT
            [ "$COINFLIP" = heads ]
        """.formatted(counter, counter));
    JsonNode job = n.awaitState(id, "COMPLETED", "FAILED");
    assertThat(job.get("state").asText()).as("%s", job).isEqualTo("COMPLETED");
    assertThat(job.get("execution")).hasSize(4);
    assertThat(job.at("/execution/0/limits/cpus").asText()).isEqualTo(".5");
    assertThat(job.at("/execution/0/limits").fieldNames()).toIterable().containsExactly("cpus", "memory");
    assertThat(job.at("/defaults/limits").fieldNames()).toIterable().containsExactly("cpus", "memory");
    assertThat(job.at("/execution/0/timeout").asText()).isEqualTo("30s");
    assertThat(job.at("/execution/1/error").asText()).isEqualTo("exit code 1");
    assertThat(job.at("/execution/3/result").asText()).isEqualTo("heads");
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> n.get("/jobs/" + id + "/log").body()
        .contains("the shell runtime ignores limits (cpus .5, memory 64m): nothing confines the task"));
  }

  @Test
  void exhaustedRetriesFailTheJobAndKeepTheError() throws Exception {
    TestNode n = node();
    String id = n.submit("""
        name: always fails
        tasks:
        - name: boom
          retry: {limit: 1}
          run: echo boom; exit 3
        - name: never runs
          run: echo unreachable
        """);
    JsonNode job = n.awaitState(id, "COMPLETED", "FAILED");
    assertThat(job.get("state").asText()).isEqualTo("FAILED");
    assertThat(job.get("error").asText()).isEqualTo("exit code 3: boom");
    assertThat(job.get("execution")).hasSize(2);
    assertThat(job.get("failedAt").isTextual()).isTrue();
    assertThat(job.get("position").asInt()).isEqualTo(1);
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> n.get("/jobs?q=always").body()
        .contains("\"error\":\"exit code 3: boom\""));
  }

  @Test
  void aTaskPastItsTimeoutFailsWithATimeoutMessage() throws Exception {
    TestNode n = node();
    String id = n.submit("""
        name: too slow
        tasks:
        - name: sleeper
          timeout: 1s
          run: sleep 10
        """);
    JsonNode job = n.awaitState(id, Duration.ofSeconds(20), "COMPLETED", "FAILED");
    assertThat(job.get("state").asText()).isEqualTo("FAILED");
    assertThat(job.at("/execution/0/error").asText())
        .isEqualTo("timeout: the task ran longer than its timeout of 1s (context deadline exceeded)");
    assertThat(job.get("error").asText()).contains("timeout");
  }

  @Test
  void cancellingARunningJobKillsEveryProcessItStarted() throws Exception {
    TestNode n = node();
    String marker = "30" + (System.nanoTime() % 100000) + ".5";
    String id = n.submit("""
        name: long runner
        tasks:
        - name: sleeps
          run: |
            sleep %s &
            bash -c "sleep %s" &
            sleep %s
        """.formatted(marker, marker, marker));
    n.awaitState(id, "RUNNING");
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> processesWith(marker) >= 3);
    TestNode.Response cancel = n.put("/jobs/" + id + "/cancel");
    assertThat(cancel.status()).isEqualTo(200);
    assertThat(cancel.json().get("status").asText()).isEqualTo("OK");
    JsonNode job = n.awaitState(id, "CANCELLED");
    assertThat(job.at("/execution/0/state").asText()).isEqualTo("CANCELLED");
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> processesWith(marker) == 0);
    TestNode.Response again = n.put("/jobs/" + id + "/cancel");
    assertThat(again.status()).isEqualTo(400);
    assertThat(again.json().get("message").asText()).isEqualTo("job is not running");
  }

  static long processesWith(String marker) {
    return ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").contains(marker)).count();
  }

  @Test
  void aFailedJobRestartsAtItsPosition() throws Exception {
    TestNode n = node();
    Path flag = TestNode.taskFile("jtork-restart", ".flag");
    Files.delete(flag);
    String id = n.submit("""
        name: restartable
        tasks:
        - name: first
          var: first
          run: echo -n one > $TORK_OUTPUT
        - name: second
          run: |
            [ -f %s ] || { touch %s; echo not yet; exit 1; }
            echo -n two > $TORK_OUTPUT
        """.formatted(flag, flag));
    JsonNode failed = n.awaitState(id, "FAILED", "COMPLETED");
    assertThat(failed.get("state").asText()).isEqualTo("FAILED");
    assertThat(failed.get("position").asInt()).isEqualTo(2);
    TestNode.Response restart = n.put("/jobs/" + id + "/restart");
    assertThat(restart.status()).isEqualTo(200);
    JsonNode job = n.awaitState(id, "COMPLETED", "FAILED");
    assertThat(job.get("state").asText()).isEqualTo("COMPLETED");
    assertThat(job.get("error")).isNull();
    assertThat(job.get("execution")).extracting(e -> e.get("state").asText())
        .containsExactly("COMPLETED", "FAILED", "COMPLETED");
    assertThat(job.at("/context/tasks/first").asText()).isEqualTo("one");
    TestNode.Response again = n.put("/jobs/" + id + "/restart");
    assertThat(again.status()).isEqualTo(400);
    assertThat(again.json().get("message").asText()).isEqualTo("job is COMPLETED and can not be restarted");
  }

  @Test
  void aFalseConditionSkipsTheTask() throws Exception {
    TestNode n = node();
    String id = n.submit("""
        name: conditional
        inputs: {run_it: "no"}
        tasks:
        - name: skipped
          if: "{{ inputs.run_it == 'yes' }}"
          run: exit 1
        - name: runs
          run: echo -n ran > $TORK_OUTPUT
          var: r
        """);
    JsonNode job = n.awaitState(id, "COMPLETED", "FAILED");
    assertThat(job.get("state").asText()).isEqualTo("COMPLETED");
    assertThat(job.at("/execution/0/state").asText()).isEqualTo("SKIPPED");
    assertThat(job.at("/context/tasks/r").asText()).isEqualTo("ran");
  }

  @Test
  void theShellRuntimeRefusesWhatOnlyAContainerCanDo() throws Exception {
    TestNode n = node();
    String id = n.submit("""
        name: wants a volume
        tasks:
        - name: mounted
          mounts: [{type: volume, target: /data}]
          run: ls /data
        """);
    JsonNode job = n.awaitState(id, "FAILED", "COMPLETED");
    assertThat(job.get("state").asText()).isEqualTo("FAILED");
    assertThat(job.get("error").asText()).isEqualTo("mounts is not supported by the shell runtime");
  }

  @Test
  void aTaskAndItsLogCanBeReadOnTheirOwn() throws Exception {
    TestNode n = node();
    String id = n.submit("""
        name: chatty
        tasks:
        - name: talk
          run: for i in 1 2 3; do echo line $i; done
        """);
    JsonNode job = n.awaitState(id, "COMPLETED", "FAILED");
    String taskId = job.at("/execution/0/id").asText();
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> n.get("/tasks/" + taskId).status() == 200);
    JsonNode task = n.get("/tasks/" + taskId).json();
    assertThat(task.get("name").asText()).isEqualTo("talk");
    assertThat(task.get("jobId").asText()).isEqualTo(id);
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> n.get("/tasks/" + taskId + "/log").body()
        .contains("line 3"));
    JsonNode log = n.get("/tasks/" + taskId + "/log").json();
    assertThat(log.get("items").get(0).get("number").asInt()).isEqualTo(1);
    assertThat(log.get("items").get(0).get("contents").asText()).isEqualTo("line 1\nline 2\nline 3\n");
    assertThat(n.get("/tasks/" + taskId + "/log?q=nothing-like-this").json().get("totalItems").asInt()).isZero();
  }

  @Test
  void theHistoryListsEveryTransition() throws Exception {
    TestNode n = node();
    String id = n.submit(HELLO);
    n.awaitState(id, "COMPLETED");
    JsonNode events = n.get("/jobs/" + id + "/events").json().get("items");
    List<String> types = new ArrayList<>();
    events.forEach(e -> types.add(e.get("type").asText()));
    assertThat(types).containsExactly("JobSubmitted", "JobStarted", "TaskCreated", "TaskStarted", "JobRunning",
        "TaskCompleted", "JobAdvanced", "TaskCreated", "TaskStarted", "TaskCompleted", "JobAdvanced", "JobCompleted");
  }

  // ---- waiting ------------------------------------------------------------------------------

  @Test
  void waitReturnsTheFinishedJob() throws Exception {
    TestNode.Response r = node().postYaml("""
        name: waited for
        wait: {timeout: 20s}
        tasks:
        - name: quick
          var: q
          run: echo -n done > $TORK_OUTPUT
        """);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().get("state").asText()).isEqualTo("COMPLETED");
    assertThat(r.json().get("execution")).hasSize(1);
    assertThat(r.json().at("/context/tasks/q").asText()).isEqualTo("done");
  }

  @Test
  void waitTimesOutWith408() throws Exception {
    TestNode.Response r = node().postYaml("""
        name: waited too long
        wait: {timeout: 1s}
        tasks:
        - name: slow
          run: sleep 4
        """);
    assertThat(r.status()).isEqualTo(408);
    assertThat(r.json().get("message").asText()).isEqualTo("timeout waiting for job to complete");
  }

  // ---- listing, paging, searching -------------------------------------------------------------

  @Test
  void listsNewestFirstPagesAndSearches() throws Exception {
    TestNode n = node();
    String word = "batch" + unique();
    String tag = "tag" + unique();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 23; i++) {
      ids.add(n.submit("""
          name: %s job-%dx
          description: part of a search test
          tags: [%s, %s]
          tasks:
          - name: t
            run: "true"
          """.formatted(word, i, i % 2 == 0 ? tag : "odd" + tag, "all" + tag)));
    }
    Awaitility.await().atMost(Duration.ofSeconds(15)).until(() ->
        n.get("/jobs?q=" + word).json().get("totalItems").asInt() == 23);
    JsonNode page1 = n.get("/jobs?q=" + word).json();
    assertThat(page1.get("number").asInt()).isEqualTo(1);
    assertThat(page1.get("size").asInt()).isEqualTo(10);
    assertThat(page1.get("totalPages").asInt()).isEqualTo(3);
    assertThat(page1.at("/items/0/id").asText()).isEqualTo(ids.get(22));
    JsonNode page3 = n.get("/jobs?q=" + word + "&page=3").json();
    assertThat(page3.get("size").asInt()).isEqualTo(3);
    assertThat(page3.at("/items/2/id").asText()).isEqualTo(ids.get(0));
    assertThat(n.get("/jobs?q=" + word + "&size=50").json().get("size").asInt()).isEqualTo(20);
    assertThat(n.get("/jobs?q=" + word + "&size=0").json().get("size").asInt()).isEqualTo(1);
    assertThat(n.get("/jobs?q=tag:" + tag).json().get("totalItems").asInt()).isEqualTo(12);
    assertThat(n.get("/jobs?q=tags:" + tag + ",odd" + tag).json().get("totalItems").asInt()).isEqualTo(23);
    JsonNode seventh = n.get("/jobs?q=" + word + "%20JOB-7x").json();
    assertThat(seventh.get("totalItems").asInt()).isEqualTo(1);
    assertThat(seventh.at("/items/0/name").asText()).isEqualTo(word + " job-7x");
    assertThat(n.get("/jobs?q=completed%20" + word).json().get("totalItems").asInt()).isBetween(0, 23);
    assertThat(n.get("/jobs?q=" + word + "%20tag:all" + tag).json().get("totalItems").asInt()).isEqualTo(23);
    assertThat(n.get("/jobs?q=" + word + "%20tag:" + tag).json().at("/items/0/tags").toString()).contains(tag);
    TestNode.Response bad = n.get("/jobs?page=two");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().get("message").asText()).isEqualTo("invalid page \"two\": it must be a whole number");
    assertThat(n.get("/jobs?size=x").json().get("message").asText()).isEqualTo("invalid size \"x\": it must be a whole number");
  }

  @Test
  void unknownJobsTasksAndPathsAre404WithAMessage() throws Exception {
    TestNode n = node();
    String missing = UUID.randomUUID().toString().replace("-", "");
    for (String path : List.of("/jobs/" + missing, "/jobs/not-an-id", "/jobs/" + missing + "/log")) {
      TestNode.Response r = n.get(path);
      assertThat(r.status()).as(path).isEqualTo(404);
      assertThat(r.json().get("message").asText()).isEqualTo("job not found");
    }
    assertThat(n.put("/jobs/" + missing + "/cancel").json().get("message").asText()).isEqualTo("job not found");
    assertThat(n.put("/jobs/" + missing + "/restart").status()).isEqualTo(404);
    for (String path : List.of("/tasks/" + missing, "/tasks/" + missing + "/log", "/tasks/nope")) {
      TestNode.Response r = n.get(path);
      assertThat(r.status()).as(path).isEqualTo(404);
      assertThat(r.json().get("message").asText()).isEqualTo("task not found");
    }
    TestNode.Response nothing = n.get("/no/such/thing");
    assertThat(nothing.status()).isEqualTo(404);
    assertThat(nothing.json().get("message").asText()).isNotBlank();
    TestNode.Response method = n.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(n.base + "/jobs"))
        .DELETE().build());
    assertThat(method.status()).isEqualTo(405);
    assertThat(method.json().get("message").asText()).contains("GET");
  }

  // ---- bad input ----------------------------------------------------------------------------

  @Test
  void anUnknownFieldIsA400NamingItsPath() throws Exception {
    TestNode.Response r = node().postYaml("name: x\ntasks:\n- name: a\n  imagee: ubuntu\n");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("message").asText()).isEqualTo("invalid job: tasks[0].imagee: unknown field");
    assertThat(r.json().at("/errors/0/path").asText()).isEqualTo("tasks[0].imagee");
    // Beyond Tork: the line the path names, for the console's editor and any client.
    assertThat(r.json().at("/errors/0/line").asInt()).isEqualTo(4);
  }

  @Test
  void eachErrorGivesTheLineItNames() throws Exception {
    TestNode.Response r = node().post("/jobs", "application/json",
        "{\"name\": \"x\",\n \"tasks\": [\n  {\"name\": \"a\", \"run\": \"true\"},\n  {\"name\": \"b\",\n   \"retry\": {\"limitt\": 1}}]}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().at("/errors/0/path").asText()).isEqualTo("tasks[1].retry.limitt");
    assertThat(r.json().at("/errors/0/line").asInt()).isEqualTo(5);
    TestNode.Response broken = node().postYaml("name: x\ntasks:\n- name: a\n  run: [unclosed\n");
    assertThat(broken.status()).isEqualTo(400);
    assertThat(broken.json().at("/errors/0/path").asText()).isEmpty();
    assertThat(broken.json().at("/errors/0/message").asText()).contains("at line 4");
    assertThat(broken.json().at("/errors/0/line").asInt()).isEqualTo(4);
    TestNode.Response empty = node().postYaml("   ");
    assertThat(empty.json().at("/errors/0").has("line")).isFalse();
  }

  // ---- idempotent submission ---------------------------------------------------------------

  private TestNode.Response postWithKey(String path, String key, String contentType, String body) throws Exception {
    return node().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(node().base + path))
        .timeout(Duration.ofSeconds(30)).header("Content-Type", contentType).header("Idempotency-Key", key)
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build());
  }

  @Test
  void aSubmissionSentAgainWithItsIdempotencyKeyGetsTheFirstJobAndCreatesNothing() throws Exception {
    TestNode n = node();
    String name = "once-" + unique();
    String key = "order-" + unique();
    String yaml = "name: " + name + "\ntasks:\n- name: count\n  run: echo -n ran > $TORK_OUTPUT\n";
    TestNode.Response first = postWithKey("/jobs", key, "text/yaml", yaml);
    assertThat(first.status()).as(first.body()).isEqualTo(200);
    String id = first.json().get("id").asText();
    TestNode.Response again = postWithKey("/jobs", key, "text/yaml", yaml);
    assertThat(again.status()).as(again.body()).isEqualTo(200);
    assertThat(again.json().get("id").asText()).isEqualTo(id);
    // The same job written as JSON, its fields in another order, is the same submission.
    TestNode.Response asJson = postWithKey("/jobs", key, "application/json",
        "{\"tasks\":[{\"run\":\"echo -n ran > $TORK_OUTPUT\",\"name\":\"count\"}],\"name\":\"" + name + "\"}");
    assertThat(asJson.status()).as(asJson.body()).isEqualTo(200);
    assertThat(asJson.json().get("id").asText()).isEqualTo(id);
    n.awaitState(id, "COMPLETED");
    TestNode.Response afterItRan = postWithKey("/jobs", key, "text/yaml", yaml);
    assertThat(afterItRan.json().get("id").asText()).isEqualTo(id);
    assertThat(afterItRan.json().get("state").asText()).isEqualTo("COMPLETED");
    assertThat(n.get("/jobs?q=" + name).json().get("totalItems").asInt()).as("jobs named " + name).isEqualTo(1);
    assertThat(n.get("/jobs/" + id).json().get("execution")).as("the job ran once").hasSize(1);
    // Without the key, the same body is a new job, as always.
    assertThat(n.submit(yaml)).isNotEqualTo(id);
  }

  @Test
  void anIdempotencyKeyUsedAgainForAnotherJobIs409AndCreatesNothing() throws Exception {
    TestNode n = node();
    String key = "k-" + unique();
    String name = "first-" + unique();
    TestNode.Response first = postWithKey("/jobs", key, "text/yaml", "name: " + name + "\ntasks:\n- name: a\n  run: echo a\n");
    assertThat(first.status()).isEqualTo(200);
    String other = "other-" + unique();
    TestNode.Response conflict = postWithKey("/jobs", key, "text/yaml", "name: " + other + "\ntasks:\n- name: a\n  run: echo b\n");
    assertThat(conflict.status()).as(conflict.body()).isEqualTo(409);
    assertThat(conflict.json().get("message").asText()).isEqualTo("Idempotency-Key \"" + key + "\" was already used"
        + " for another job (" + first.json().get("id").asText() + "): send the same job again to get it, or use a new"
        + " key for a new job");
    assertThat(n.get("/jobs?q=" + other).json().get("totalItems").asInt()).isZero();
  }

  @Test
  void anIdempotencyKeyThatCannotBeUsedIs400NamingTheHeader() throws Exception {
    String job = "name: k\ntasks:\n- name: a\n  run: echo\n";
    TestNode.Response tooLong = postWithKey("/jobs", "x".repeat(256), "text/yaml", job);
    assertThat(tooLong.status()).isEqualTo(400);
    assertThat(tooLong.json().get("message").asText())
        .isEqualTo("Idempotency-Key is 256 characters long; at most 255 are allowed");
    // Characters outside printable ASCII: IdempotencyKeysTest (java.net.http sends none of them).
    TestNode.Response scheduled = postWithKey("/scheduled-jobs", "y".repeat(300), "text/yaml",
        "name: s\nschedule: {cron: \"0 0 1 1 *\"}\ntasks:\n- name: t\n  run: echo\n");
    assertThat(scheduled.status()).isEqualTo(400);
    assertThat(scheduled.json().get("message").asText()).startsWith("Idempotency-Key is 300 characters long");
  }

  @Test
  void aScheduledJobSentAgainWithItsIdempotencyKeyIsCreatedOnce() throws Exception {
    TestNode n = node();
    String key = "s-" + unique();
    String name = "nightly-" + unique();
    String yaml = "name: " + name + "\nschedule: {cron: \"0 0 1 1 *\"}\ntasks:\n- name: t\n  run: echo\n";
    TestNode.Response first = postWithKey("/scheduled-jobs", key, "text/yaml", yaml);
    assertThat(first.status()).as(first.body()).isEqualTo(200);
    String id = first.json().get("id").asText();
    TestNode.Response again = postWithKey("/scheduled-jobs", key, "text/yaml", yaml);
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.json().get("id").asText()).isEqualTo(id);
    TestNode.Response conflict = postWithKey("/scheduled-jobs", key, "text/yaml", yaml.replace("echo", "echo other"));
    assertThat(conflict.status()).isEqualTo(409);
    assertThat(conflict.json().get("message").asText()).startsWith("Idempotency-Key \"" + key + "\" was already used"
        + " for another scheduled job (" + id + ")");
    long named = 0;
    for (JsonNode s : n.get("/scheduled-jobs?size=100").json().get("items")) {
      if (s.get("name").asText().equals(name)) named++;
    }
    assertThat(named).isEqualTo(1);
    assertThat(n.delete("/scheduled-jobs/" + id).status()).isEqualTo(200);
    TestNode.Response afterDelete = postWithKey("/scheduled-jobs", key, "text/yaml", yaml);
    assertThat(afterDelete.status()).isEqualTo(409);
    assertThat(afterDelete.json().get("message").asText()).isEqualTo("Idempotency-Key \"" + key + "\" was used for"
        + " scheduled job " + id + ", which has since been deleted; use a new key");
  }

  @Test
  void everyErrorOfAJobComesBackInOneResponse() throws Exception {
    TestNode.Response r = node().post("/jobs", "application/json",
        "{\"tasks\":[{\"run\":\"x\",\"priority\":12},{\"name\":\"b\",\"timeout\":\"soon\",\"each\":{\"list\":\"{{ 1 + }}\"}}]}");
    assertThat(r.status()).isEqualTo(400);
    List<String> paths = new ArrayList<>();
    r.json().get("errors").forEach(e -> paths.add(e.get("path").asText()));
    assertThat(paths).containsExactly("name", "tasks[0].name", "tasks[0].priority", "tasks[1].timeout",
        "tasks[1].timeout", "tasks[1].each.list", "tasks[1].each.task");
    assertThat(r.json().get("message").asText()).startsWith("invalid job: name: required; tasks[0].name: required;");
  }

  @Test
  void aWrongContentTypeIsRefusedWithAMessage() throws Exception {
    TestNode n = node();
    TestNode.Response plain = n.post("/jobs", "text/plain", HELLO);
    assertThat(plain.status()).isEqualTo(400);
    assertThat(plain.json().get("message").asText()).isEqualTo(
        "unknown content type: text/plain (send the job as application/json, text/yaml or application/x-yaml)");
    TestNode.Response none = n.post("/jobs", null, HELLO);
    assertThat(none.status()).isEqualTo(400);
    assertThat(none.json().get("message").asText()).startsWith("unknown content type:");
    assertThat(n.post("/jobs", "application/x-yaml", HELLO).status()).isEqualTo(200);
    assertThat(n.post("/jobs", "application/json", "{\"name\":").json().get("message").asText())
        .startsWith("invalid job: invalid JSON");
  }

  @Test
  void aBodyOverTheLimitIs413() throws Exception {
    String big = "name: big\ndescription: " + "x".repeat(600 * 1024) + "\ntasks:\n- name: a\n";
    TestNode.Response r = node().postYaml(big);
    assertThat(r.status()).isEqualTo(413);
    assertThat(r.json().get("message").asText()).isEqualTo("the request body is larger than the limit of 500 KB");
  }

  @Test
  void healthSaysUpWithTheRuntime() throws Exception {
    JsonNode h = node().get("/health").json();
    assertThat(h.get("status").asText()).isEqualTo("UP");
    assertThat(h.get("runtime").asText()).isEqualTo("shell");
    assertThat(h.get("version").asText()).isNotBlank();
  }

  // ---- composites ---------------------------------------------------------------------------

  /** Tork's parallel.yaml shape: hello, six children at once, bye: 9 executions. */
  @Test
  void parallelRunsAllChildrenAndThenMovesOn() throws Exception {
    TestNode n = node();
    String id = n.submit("""
        name: parallel
        output: "{{ tasks.fast }}-{{ tasks.slow }}"
        tasks:
        - name: hello
          run: echo hello
        - name: a parallel task
          parallel:
            tasks:
            - {name: sleep a, run: sleep 0.1}
            - {name: sleep b, run: sleep 0.5, var: slow}
            - {name: sleep c, run: sleep 0.15}
            - {name: echo a, run: echo -n fast > $TORK_OUTPUT, var: fast}
            - {name: echo b, run: echo b}
            - {name: skipped, if: "false", run: exit 1}
        - name: bye
          run: echo bye
        """);
    JsonNode job = n.awaitState(id, "COMPLETED", "FAILED");
    assertThat(job.path("state").asText()).as("%s", job).isEqualTo("COMPLETED");
    assertThat(job.path("execution")).hasSize(9);
    assertThat(job.path("result").asText()).isEqualTo("fast-");
    List<String> names = new ArrayList<>();
    job.path("execution").forEach(t -> names.add(t.path("name").asText() + ":" + t.path("state").asText()));
    assertThat(names).contains("a parallel task:COMPLETED", "skipped:SKIPPED", "sleep b:COMPLETED", "bye:COMPLETED");
    JsonNode parent = find(job, "a parallel task");
    assertThat(parent.at("/parallel/completions").asInt()).isEqualTo(6);
    job.path("execution").forEach(t -> {
      if (t.path("name").asText().startsWith("sleep") || t.path("name").asText().startsWith("echo")) {
        assertThat(t.path("parentId").asText()).isEqualTo(parent.path("id").asText());
      }
    });
    // "bye" starts only after the last child completed
    assertThat(java.time.Instant.parse(find(job, "bye").path("startedAt").asText()))
        .isAfterOrEqualTo(java.time.Instant.parse(find(job, "sleep b").path("completedAt").asText()));
  }

  /** Tork's each.yaml shape: two each tasks over sequence(1,5), default and custom item names: 12 executions. */
  @Test
  void eachRunsOneChildPerItemWithItsIndexAndValue() throws Exception {
    TestNode n = node();
    String id = n.submit("""
        name: each
        output: "{{ tasks.eachTask0 }},{{ tasks.eachTask3 }},{{ tasks.custom2 }}"
        tasks:
        - name: hello
          run: echo hello
        - name: each default
          each:
            list: "{{ sequence(1,5) }}"
            task:
              name: "item {{ item.index }}"
              var: "eachTask{{ item.index }}"
              env:
                VALUE: "{{ item.value }}"
              run: echo -n "v$VALUE" > $TORK_OUTPUT
        - name: each custom
          each:
            list: "{{ sequence(1,5) }}"
            var: myitem
            concurrency: 2
            task:
              name: "custom {{ myitem.index }}"
              var: "custom{{ myitem.index }}"
              env: {V: "{{ myitem.value }}"}
              run: echo -n "c$V" > $TORK_OUTPUT
        - name: bye
          run: echo bye
        """);
    JsonNode job = n.awaitState(id, "COMPLETED", "FAILED");
    assertThat(job.path("state").asText()).as("%s", job).isEqualTo("COMPLETED");
    assertThat(job.path("execution")).hasSize(12);
    assertThat(job.path("result").asText()).isEqualTo("v1,v4,c3");
    assertThat(job.at("/context/tasks/eachTask2").asText()).isEqualTo("v3");
    assertThat(find(job, "item 3").path("state").asText()).isEqualTo("COMPLETED");
    JsonNode each = find(job, "each custom");
    assertThat(each.at("/each/size").asInt()).isEqualTo(4);
    assertThat(each.at("/each/completions").asInt()).isEqualTo(4);
    assertThat(each.at("/each/concurrency").asInt()).isEqualTo(2);
    // GET /tasks/{id} finds the job through the read model, which follows the journal
    Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
        n.get("/tasks/" + each.path("id").asText()).json().at("/each/completions").asInt()).isEqualTo(4));
  }

  @Test
  void aFailingChildFailsItsParentAndTheJobAfterItsRetries() throws Exception {
    TestNode n = node();
    String id = n.submit("""
        name: each fails
        tasks:
        - name: fan out
          each:
            list: "{{ [1, 2, 3] }}"
            task:
              name: "n{{ item.value }}"
              retry: {limit: 1}
              env: {V: "{{ item.value }}"}
              run: |
                if [ "$V" = "2" ]; then echo broken; exit 4; fi
                sleep 0.2
        - name: never
          run: echo never
        """);
    JsonNode job = n.awaitState(id, "COMPLETED", "FAILED");
    assertThat(job.path("state").asText()).isEqualTo("FAILED");
    assertThat(job.path("error").asText()).startsWith("exit code 4: ").contains("broken");
    assertThat(find(job, "fan out").path("state").asText()).isEqualTo("FAILED");
    long n2 = 0;
    for (JsonNode t : job.path("execution")) if (t.path("name").asText().equals("n2")) n2++;
    assertThat(n2).as("n2 ran once and was retried once").isEqualTo(2);
    assertThat(find(job, "never")).isNull();
  }

  @Test
  void anEachListThatIsNotAListFailsTheJobClearly() throws Exception {
    TestNode n = node();
    String id = n.submit("""
        name: bad list
        tasks:
        - name: fan out
          each:
            list: "{{ 42 }}"
            task: {name: x, run: echo x}
        """);
    JsonNode job = n.awaitState(id, "COMPLETED", "FAILED");
    assertThat(job.path("state").asText()).isEqualTo("FAILED");
    assertThat(job.path("error").asText()).isEqualTo("each.list: {{ 42 }} is not a list (it is Integer)");
  }

  @Test
  void cancellingAJobCancelsTheChildrenOfItsComposite() throws Exception {
    TestNode n = node();
    String id = n.submit("""
        name: cancel composite
        tasks:
        - name: fan out
          parallel:
            tasks:
            - {name: long a, run: sleep 60}
            - {name: long b, run: sleep 60}
        """);
    Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).ignoreExceptions().until(() ->
        "RUNNING".equals(find(n.get("/jobs/" + id).json(), "long a").path("state").asText()));
    assertThat(n.put("/jobs/" + id + "/cancel").status()).isEqualTo(200);
    JsonNode job = n.awaitState(id, "CANCELLED");
    assertThat(find(job, "long a").path("state").asText()).isEqualTo("CANCELLED");
    assertThat(find(job, "long b").path("state").asText()).isEqualTo("CANCELLED");
    assertThat(find(job, "fan out").path("state").asText()).isEqualTo("CANCELLED");
  }

  /** each over 20 items with concurrency 3: from the children's start and end times, never more than 3 at once. */
  @Test
  void eachConcurrencyBoundsHowManyChildrenRunAtOnce() throws Exception {
    TestNode n = node();
    String id = n.submit("""
        name: bounded
        tasks:
        - name: fan out
          each:
            list: "{{ sequence(0,20) }}"
            concurrency: 3
            task:
              name: "n{{ item.index }}"
              run: sleep 0.3
        """);
    JsonNode job = n.awaitState(id, Duration.ofSeconds(60), "COMPLETED", "FAILED");
    assertThat(job.path("state").asText()).as("%s", job).isEqualTo("COMPLETED");
    List<long[]> spans = new ArrayList<>();
    for (JsonNode t : job.path("execution")) {
      if (!t.path("name").asText().matches("n\\d+")) continue;
      spans.add(new long[] {java.time.Instant.parse(t.path("startedAt").asText()).toEpochMilli() * 1000
          + java.time.Instant.parse(t.path("startedAt").asText()).getNano() / 1000 % 1000,
          java.time.Instant.parse(t.path("completedAt").asText()).toEpochMilli() * 1000
          + java.time.Instant.parse(t.path("completedAt").asText()).getNano() / 1000 % 1000});
    }
    assertThat(spans).hasSize(20);
    int most = 0;
    for (long[] a : spans) {
      // how many children were running at the moment a started
      int running = 0;
      for (long[] b : spans) if (b[0] <= a[0] && a[0] < b[1]) running++;
      most = Math.max(most, running);
    }
    assertThat(most).as("children running at once").isLessThanOrEqualTo(3).isGreaterThanOrEqualTo(2);
  }

  /** Tork's subjob.yaml shape: an attached subjob with output, two subjobs in parallel: 6 executions. */
  @Test
  void subjobsRunAsChildJobsAndHandTheirResultToTheParentTask() throws Exception {
    TestNode n = node();
    String id = n.submit("""
        name: with subjobs
        inputs: {who: world}
        tasks:
        - name: first
          run: echo first
        - name: child with output
          var: childOutput
          subjob:
            name: "child for {{ inputs.who }}"
            inputs: {greeting: "hello {{ inputs.who }}"}
            output: "{{ tasks.made }}"
            tasks:
            - name: make
              var: made
              env: {G: "{{ inputs.greeting }}"}
              run: echo -n "$G" > $TORK_OUTPUT
        - name: two children
          parallel:
            tasks:
            - name: child a
              subjob:
                name: child a
                tasks:
                - {name: a1, run: echo a1}
                - {name: a2, run: echo a2}
            - name: child b
              subjob:
                name: child b
                tasks:
                - {name: b1, run: echo b1}
        - name: last
          run: echo last
        """);
    JsonNode job = n.awaitState(id, Duration.ofSeconds(60), "COMPLETED", "FAILED");
    assertThat(job.path("state").asText()).as("%s", job).isEqualTo("COMPLETED");
    assertThat(job.path("execution")).hasSize(6);
    assertThat(job.at("/context/tasks/childOutput").asText()).isEqualTo("hello world");
    JsonNode parentTask = find(job, "child with output");
    assertThat(parentTask.path("result").asText()).isEqualTo("hello world");
    // the child job exists on its own, linked to the parent task
    JsonNode child = n.get("/jobs/" + jobNamed(n, "child for world")).json();
    assertThat(child.path("parentId").asText()).isEqualTo(parentTask.path("id").asText());
    assertThat(child.path("state").asText()).isEqualTo("COMPLETED");
    // and the parent task names it, as Tork's subjob.id does; the spec's subjob has none
    assertThat(parentTask.at("/subjob/id").asText()).isEqualTo(child.path("id").asText());
    assertThat(parentTask.at("/subjob/name").asText()).isEqualTo("child for world");
    assertThat(job.at("/tasks/1/subjob").has("id")).isFalse();
    assertThat(n.get("/tasks/" + parentTask.path("id").asText()).json().at("/subjob/id").asText())
        .isEqualTo(child.path("id").asText());
  }

  @Test
  void aFailedSubjobFailsItsParentTaskAndCancellingTheParentCancelsTheChild() throws Exception {
    TestNode n = node();
    String failing = n.submit("""
        name: failing child
        tasks:
        - name: sub
          subjob:
            name: breaks
            tasks:
            - {name: boom, run: "echo boom; exit 2"}
        """);
    JsonNode failed = n.awaitState(failing, Duration.ofSeconds(30), "COMPLETED", "FAILED");
    assertThat(failed.path("state").asText()).isEqualTo("FAILED");
    assertThat(failed.path("error").asText()).startsWith("exit code 2: ");

    String running = n.submit("""
        name: long child
        tasks:
        - name: sub
          subjob:
            name: sleeps long
            tasks:
            - {name: long, run: sleep 60}
        """);
    String childId = jobNamed(n, "sleeps long");
    Awaitility.await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() ->
        n.get("/jobs/" + childId).json().at("/execution/0/state").asText().equals("RUNNING"));
    assertThat(n.put("/jobs/" + running + "/cancel").status()).isEqualTo(200);
    assertThat(n.awaitState(childId, Duration.ofSeconds(20), "CANCELLED").path("state").asText()).isEqualTo("CANCELLED");
  }

  @Test
  void aDetachedSubjobCompletesItsTaskAtOnce() throws Exception {
    TestNode n = node();
    String id = n.submit("""
        name: fire and forget
        tasks:
        - name: sub
          subjob:
            name: detached child
            detached: true
            tasks:
            - {name: slow, run: sleep 3}
        """);
    JsonNode job = n.awaitState(id, Duration.ofSeconds(10), "COMPLETED", "FAILED");
    assertThat(job.path("state").asText()).isEqualTo("COMPLETED");
    JsonNode child = n.get("/jobs/" + jobNamed(n, "detached child")).json();
    assertThat(child.path("state").asText()).isIn("SCHEDULED", "RUNNING");
    assertThat(child.has("parentId")).isFalse();
  }

  /** retry with initialDelay 1s and scalingFactor 2: the attempts wait 1 s, then 2 s; each keeps its error. */
  @Test
  void retriesWaitOutTheirBackoffAndEachAttemptKeepsItsError() throws Exception {
    TestNode n = node();
    // written by each attempt, each running as a user of its own: created beforehand, writable by all
    Path counter = TestNode.taskFile("jtork-retry-", ".count");
    String id = n.submit("""
        name: backoff
        tasks:
        - name: flaky
          var: out
          retry: {limit: 2, initialDelay: 1s, scalingFactor: 2}
          env: {COUNTER: "%s"}
          run: |
            n=$(cat "$COUNTER" 2>/dev/null || echo 0); n=$((n+1)); echo $n > "$COUNTER"
            if [ $n -lt 3 ]; then echo "attempt $n failed"; exit 1; fi
            echo -n "made it on attempt $n" > $TORK_OUTPUT
        """.formatted(counter));
    JsonNode job = n.awaitState(id, Duration.ofSeconds(30), "COMPLETED", "FAILED");
    assertThat(job.path("state").asText()).as("%s", job).isEqualTo("COMPLETED");
    assertThat(job.at("/context/tasks/out").asText()).isEqualTo("made it on attempt 3");
    JsonNode e = job.path("execution");
    assertThat(e).hasSize(3);
    assertThat(e.get(0).path("error").asText()).isEqualTo("exit code 1: attempt 1 failed");
    assertThat(e.get(1).path("error").asText()).isEqualTo("exit code 1: attempt 2 failed");
    assertThat(e.get(2).path("state").asText()).isEqualTo("COMPLETED");
    Duration first = Duration.between(java.time.Instant.parse(e.get(0).path("failedAt").asText()),
        java.time.Instant.parse(e.get(1).path("startedAt").asText()));
    Duration second = Duration.between(java.time.Instant.parse(e.get(1).path("failedAt").asText()),
        java.time.Instant.parse(e.get(2).path("startedAt").asText()));
    assertThat(first).isGreaterThanOrEqualTo(Duration.ofMillis(950));
    assertThat(second).isGreaterThanOrEqualTo(Duration.ofMillis(1950));
  }

  /** each in parallel in subjob in each: every level hands its outputs up. */
  @Test
  void nestedCompositesCompleteWithTheRightOutputs() throws Exception {
    TestNode n = node();
    String id = n.submit("""
        name: nested
        output: "{{ tasks.sub0 }}|{{ tasks.sub1 }}"
        tasks:
        - name: outer each
          each:
            list: "{{ [1, 2] }}"
            task:
              name: "sub {{ item.value }}"
              var: "sub{{ item.index }}"
              subjob:
                name: "nested child {{ item.value }}"
                inputs: {n: "{{ item.value }}"}
                output: "{{ tasks.p0 }}+{{ tasks.p1 }}+{{ tasks.solo }}"
                tasks:
                - name: fan
                  parallel:
                    tasks:
                    - name: inner each
                      each:
                        list: "{{ sequence(0, 2) }}"
                        task:
                          name: "leaf {{ item.index }}"
                          var: "p{{ item.index }}"
                          env: {N: "{{ inputs.n }}", I: "{{ item.index }}"}
                          run: echo -n "$N.$I" > $TORK_OUTPUT
                    - name: solo
                      var: solo
                      env: {N: "{{ inputs.n }}"}
                      run: echo -n "s$N" > $TORK_OUTPUT
        """);
    JsonNode job = n.awaitState(id, Duration.ofSeconds(60), "COMPLETED", "FAILED");
    assertThat(job.path("state").asText()).as("%s", job).isEqualTo("COMPLETED");
    assertThat(job.path("result").asText()).isEqualTo("1.0+1.1+s1|2.0+2.1+s2");
    assertThat(job.path("execution")).hasSize(3); // the each and its two subjob tasks
  }

  /** A job that failed inside an each restarts at that position; the failed children stay in the history. */
  @Test
  void aJobThatFailedInACompositeRestartsAtItsPosition() throws Exception {
    TestNode n = node();
    Path marker = TestNode.taskDir("jtork-restart-").resolve("fixed");
    String id = n.submit("""
        name: restart composite
        tasks:
        - name: before
          run: echo before
        - name: fan out
          each:
            list: "{{ [1, 2, 3] }}"
            task:
              name: "n{{ item.value }}"
              env: {V: "{{ item.value }}", MARKER: "%s"}
              run: |
                if [ "$V" = "2" ] && [ ! -f "$MARKER" ]; then echo not yet; exit 1; fi
                echo ok
        - name: after
          run: echo after
        """.formatted(marker));
    JsonNode failed = n.awaitState(id, Duration.ofSeconds(30), "COMPLETED", "FAILED");
    assertThat(failed.path("state").asText()).isEqualTo("FAILED");
    assertThat(failed.path("position").asInt()).isEqualTo(2);
    int before = failed.path("execution").size();
    Files.writeString(marker, "yes");
    assertThat(n.put("/jobs/" + id + "/restart").status()).isEqualTo(200);
    JsonNode done = n.awaitState(id, Duration.ofSeconds(30), "COMPLETED", "FAILED");
    assertThat(done.path("state").asText()).as("%s", done).isEqualTo("COMPLETED");
    List<String> history = new ArrayList<>();
    done.path("execution").forEach(t -> history.add(t.path("name").asText() + ":" + t.path("state").asText()));
    assertThat(history.subList(0, before)).contains("before:COMPLETED", "fan out:FAILED", "n2:FAILED");
    assertThat(history.subList(before, history.size())).containsExactlyInAnyOrder("fan out:COMPLETED",
        "n1:COMPLETED", "n2:COMPLETED", "n3:COMPLETED", "after:COMPLETED");
  }

  /** The id of the job called {@code name}, once the read model lists it. */
  private static String jobNamed(TestNode n, String name) {
    return Awaitility.await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> {
      JsonNode page = n.get("/jobs?q=" + java.net.URLEncoder.encode(name, "UTF-8")).json();
      for (JsonNode j : page.path("items")) if (j.path("name").asText().equals(name)) return j.path("id").asText();
      return null;
    }, id -> id != null);
  }

  private static JsonNode find(JsonNode job, String name) {
    for (JsonNode t : job.path("execution")) if (t.path("name").asText().equals(name)) return t;
    return null;
  }

  /** Polls the live job until {@code done}; its view and the instant just after it was answered. */
  private static java.util.Map.Entry<java.time.Instant, JsonNode> recordWhen(TestNode n, String id,
      java.util.function.Predicate<JsonNode> done) {
    JsonNode[] last = new JsonNode[1];
    java.time.Instant[] at = new java.time.Instant[1];
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
        .ignoreExceptions().until(() -> {
          last[0] = n.get("/jobs/" + id).json();
          at[0] = java.time.Instant.now();
          return done.test(last[0]);
        });
    return java.util.Map.entry(at[0], last[0]);
  }

  @Test
  void aJobAtAPastInstantIsTheJobAsItWasThen() throws Exception {
    TestNode n = node();
    java.nio.file.Path marker = TestNode.taskDir("jtork-at-").resolve("failed-once");
    // Each recorded moment is in a quiet stretch (a 2 s sleep, a 2 s retry backoff, the end), so the
    // live answer and the instant after it see the same events.
    String id = n.submit("""
        name: time travel
        tasks:
        - name: first
          var: one
          run: sleep 2; echo -n one > $TORK_OUTPUT
        - name: flaky
          retry:
            limit: 1
            initialDelay: 2s
          run: |
            if [ -f %s ]; then echo -n two > $TORK_OUTPUT; exit 0; fi
            touch %s; exit 1
        """.formatted(marker, marker));
    var midRun = recordWhen(n, id, j -> j.at("/execution/0/state").asText().equals("RUNNING"));
    var afterFailure = recordWhen(n, id, j -> j.at("/execution/1/state").asText().equals("FAILED")
        && j.get("execution").size() == 3);
    var end = recordWhen(n, id, j -> j.get("state").asText().equals("COMPLETED"));
    assertThat(afterFailure.getValue().at("/execution/2/state").asText()).isEqualTo("SCHEDULED");

    for (var recorded : List.of(midRun, afterFailure, end)) {
      JsonNode then = n.get("/jobs/" + id + "?at=" + recorded.getKey()).json();
      assertThat(then).as("the job at " + recorded.getKey()).isEqualTo(recorded.getValue());
    }
    String withOffset = end.getKey().atOffset(java.time.ZoneOffset.ofHours(2)).toString();
    assertThat(n.get("/jobs/" + id + "?at=" + java.net.URLEncoder.encode(withOffset,
        java.nio.charset.StandardCharsets.UTF_8)).json())
        .as("an offset other than Z names the same instant").isEqualTo(end.getValue());

    var before = n.get("/jobs/" + id + "?at=2000-01-01T00:00:00Z");
    assertThat(before.status()).isEqualTo(404);
    assertThat(before.json().get("message").asText()).isEqualTo("job " + id + " did not exist at 2000-01-01T00:00:00Z");
    var bad = n.get("/jobs/" + id + "?at=yesterday");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().get("message").asText())
        .isEqualTo("invalid at \"yesterday\": expected an RFC 3339 instant such as 2026-01-31T09:30:00Z");
    assertThat(n.get("/jobs/00000000000000000000000000000000?at=2026-01-01T00:00:00Z").status()).isEqualTo(404);
  }

  /**
   * A large job's history read page by page (each page read alone, from the job's entity and the
   * page's own events): the pages join into one unbroken run of events, each task's reports named
   * after the worker that started it, a secret redacted on every page, and past the end an empty
   * page with the right total.
   */
  @Test
  void aLargeJobsHistoryPagesIntoOneUnbrokenRunOfEvents() throws Exception {
    TestNode n = node();
    String id = n.submit("""
        name: many events
        secrets: {token: page-secret-4711}
        tasks:
        - name: fan out
          each:
            list: "{{ sequence(0, 60) }}"
            concurrency: 7
            task:
              name: "item {{ item.index }} {{ secrets.token }}"
              run: "true"
        """);
    assertThat(n.awaitState(id, Duration.ofSeconds(60), "COMPLETED", "FAILED").path("state").asText()).isEqualTo("COMPLETED");
    JsonNode first = n.get("/jobs/" + id + "/events?page=1&size=23").json();
    long total = first.get("totalItems").asLong();
    assertThat(total).isGreaterThan(180);
    List<JsonNode> all = new ArrayList<>();
    for (int page = 1; page <= first.get("totalPages").asInt(); page++) {
      String body = n.get("/jobs/" + id + "/events?page=" + page + "&size=23").body();
      assertThat(body).doesNotContain("page-secret-4711");
      JsonNode p = io.jtork.json.Json.json().readTree(body);
      assertThat(p.get("totalItems").asLong()).isEqualTo(total);
      assertThat(p.get("items").size()).isEqualTo((int) Math.min(23, total - (page - 1) * 23L));
      p.get("items").forEach(all::add);
    }
    assertThat(all).extracting(e -> e.get("sequenceNr").asLong())
        .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, total).boxed().toList());
    assertThat(all.get(0).get("type").asText()).isEqualTo("JobSubmitted");
    assertThat(all.get(all.size() - 1).get("type").asText()).isEqualTo("JobCompleted");
    java.util.Map<String, String> startedBy = new java.util.HashMap<>();
    for (JsonNode e : all) {
      String type = e.get("type").asText();
      if (type.equals("TaskStarted") && e.at("/data/nodeId").isTextual()) {
        startedBy.put(e.at("/data/taskId").asText(), e.get("actor").asText());
        assertThat(e.get("actor").asText()).isEqualTo("node:" + e.at("/data/nodeId").asText());
      }
      if (type.equals("TaskCompleted") && startedBy.containsKey(e.at("/data/taskId").asText())) {
        assertThat(e.get("actor").asText()).as("%s", e).isEqualTo(startedBy.get(e.at("/data/taskId").asText()));
      }
    }
    assertThat(startedBy).hasSize(60);
    JsonNode past = n.get("/jobs/" + id + "/events?page=99&size=23").json();
    assertThat(past.get("items")).isEmpty();
    assertThat(past.get("totalItems").asLong()).isEqualTo(total);
  }

  @Test
  void aJobsHistoryListsEachTransitionInOrderWithWhoCausedIt() throws Exception {
    TestNode n = node();
    java.nio.file.Path marker = TestNode.taskDir("jtork-history-").resolve("failed-once");
    String id = n.submit("""
        name: history
        tasks:
        - name: flaky
          retry:
            limit: 1
          run: |
            if [ -f %s ]; then exit 0; fi
            touch %s; exit 1
        - name: slow
          run: |
            if [ -f %s-slow ]; then exit 0; fi
            touch %s-slow; sleep 30
        """.formatted(marker, marker, marker, marker));
    String[] node = new String[1];
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
        .ignoreExceptions().until(() -> {
          JsonNode j = n.get("/jobs/" + id).json();
          node[0] = j.at("/execution/0/nodeId").asText();
          return j.get("execution").size() == 3 && j.at("/execution/2/state").asText().equals("RUNNING");
        });
    // RUNNING is reported when the step starts, before its script touched the marker: cancelled
    // before that, the restarted step would sleep its 30 s again.
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
        .until(() -> java.nio.file.Files.exists(java.nio.file.Path.of(marker + "-slow")));
    assertThat(n.put("/jobs/" + id + "/cancel").status()).isEqualTo(200);
    n.awaitState(id, "CANCELLED");
    assertThat(n.put("/jobs/" + id + "/restart").status()).isEqualTo(200);
    n.awaitState(id, "COMPLETED");

    List<String> history = new ArrayList<>();
    long seq = 0;
    for (JsonNode e : n.get("/jobs/" + id + "/events").json().get("items")) {
      assertThat(e.get("sequenceNr").asLong()).isEqualTo(++seq);
      assertThat(e.get("timestamp").asText()).isNotBlank();
      history.add(e.get("type").asText() + " " + e.get("actor").asText());
    }
    String worker = "node:" + node[0];
    assertThat(history).containsExactly(
        "JobSubmitted user:guest", "JobStarted jtork", "TaskCreated jtork",
        "TaskStarted " + worker, "JobRunning jtork", "TaskFailed " + worker, "TaskCreated jtork",
        "TaskStarted " + worker, "TaskCompleted " + worker, "JobAdvanced jtork", "TaskCreated jtork",
        "TaskStarted " + worker, "JobCancelled user:guest", "TaskCancelled jtork",
        "JobRestarted user:guest", "TaskCreated jtork", "TaskStarted " + worker, "TaskCompleted " + worker,
        "JobAdvanced jtork", "JobCompleted jtork");
    JsonNode second = n.get("/jobs/" + id + "/events?page=2&size=5").json();
    JsonNode failed = n.get("/jobs/" + id + "/events?page=2&size=5").json().at("/items/0/data");
    assertThat(failed.get("cause").asText()).isEqualTo("TASK");
    assertThat(second.get("totalItems").asInt()).isEqualTo(history.size());
    assertThat(second.get("totalPages").asInt()).isEqualTo((history.size() + 4) / 5);
    assertThat(second.get("items")).extracting(e -> e.get("sequenceNr").asInt()).containsExactly(6, 7, 8, 9, 10);
    assertThat(n.get("/jobs/" + id + "/events?size=many").status()).isEqualTo(400);

    // The same history as a terminal timeline: `jtork events <job-id>`.
    java.io.StringWriter printed = new java.io.StringWriter();
    int code = new picocli.CommandLine(new io.jtork.cli.JtorkCommand()).setOut(new java.io.PrintWriter(printed))
        .execute("events", id, "--endpoint", n.base);
    assertThat(code).isZero();
    List<String> lines = printed.toString().lines().toList();
    assertThat(lines.get(0)).startsWith("job " + id + ", submitted ");
    assertThat(lines).hasSize(history.size() + 1);
    assertThat(lines.get(1)).matches("\\s*\\+0\\.000s  #1\\s+JobSubmitted\\s+user:guest\\s+\"history\", 2 task\\(s\\)");
    assertThat(lines.get(6)).matches("\\s*\\+\\d+\\.\\d{3}s  #6\\s+TaskFailed\\s+" + worker + "\\s+task \"flaky\" \\[TASK\\]: exit code 1.*");
    assertThat(lines.get(7)).contains("TaskCreated").endsWith("task \"flaky\" at position 1, retry 1");
    assertThat(lines.get(history.size())).contains("JobCompleted").contains("jtork");
    java.io.StringWriter err = new java.io.StringWriter();
    assertThat(new picocli.CommandLine(new io.jtork.cli.JtorkCommand()).setErr(new java.io.PrintWriter(err))
        .execute("events", "0123456789abcdef0123456789abcdef", "--endpoint", n.base)).isEqualTo(1);
    assertThat(err.toString()).contains("jtork: job not found");
  }

  /**
   * A journal written by the earlier form of {@code TaskFailed} (version 1, no {@code cause}): two
   * jobs as a jtork node stored them before the record changed (journal/v1-task-failed.jsonl,
   * dumped from that node's PostgreSQL). Loaded into this node's journal, they are read through
   * the migration everywhere: the entity recovers, the history shows the derived cause, the read
   * model lists them, and a restarted old job appends events in the new form beside the old ones.
   */
  @Test
  void eventsStoredInTheEarlierFormOfARecordAreReadAfterItChanged() throws Exception {
    TestNode n = node();
    List<JsonNode> rows = new ArrayList<>();
    try (var in = getClass().getResourceAsStream("/journal/v1-task-failed.jsonl")) {
      for (String line : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
        if (!line.isBlank()) rows.add(io.jtork.json.Json.json().readTree(line));
      }
    }
    assertThat(rows).filteredOn(r -> r.get("manifest").asText().contains("TaskFailed"))
        .allSatisfy(r -> assertThat(r.get("manifest").asText()).isEqualTo("io.jtork.event.TaskFailed")
            .doesNotContain("#"))
        .allSatisfy(r -> assertThat(r.get("payload").asText()).doesNotContain("cause"));
    try (java.sql.Connection c = n.node.database().connection();
        java.sql.PreparedStatement ps = c.prepareStatement("INSERT INTO \"event_journal\" (\"persistence_id\","
            + " \"sequence_number\", \"deleted\", \"writer\", \"write_timestamp\", \"adapter_manifest\","
            + " \"event_ser_id\", \"event_ser_manifest\", \"event_payload\") VALUES (?,?,false,?,?,'',?,?,?)")) {
      for (JsonNode r : rows) {
        ps.setString(1, r.get("persistenceId").asText());
        ps.setLong(2, r.get("sequenceNr").asLong());
        ps.setString(3, r.get("writer").asText());
        ps.setLong(4, r.get("writeTimestamp").asLong());
        ps.setInt(5, r.get("serializerId").asInt());
        ps.setString(6, r.get("manifest").asText());
        ps.setBytes(7, r.get("payload").asText().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        ps.addBatch();
      }
      ps.executeBatch();
      if (!c.getAutoCommit()) c.commit();
    }
    String retried = "a8bae52c2f71417f8c478da1ceebdd5e";
    String timedOut = "84b4899b94274a26bbd0a46562a27f7a";

    JsonNode job = n.get("/jobs/" + retried).json();
    assertThat(job.get("state").asText()).isEqualTo("COMPLETED");
    assertThat(job.at("/execution/0/error").asText()).isEqualTo("exit code 1: first try fails");
    JsonNode failure = failureEvent(n, retried, 0);
    assertThat(failure.at("/data/cause").asText()).isEqualTo("TASK");
    assertThat(failure.get("actor").asText()).isEqualTo("node:" + job.at("/execution/0/nodeId").asText());
    assertThat(failureEvent(n, timedOut, 0).at("/data/cause").asText()).isEqualTo("TIMEOUT");
    Awaitility.await().atMost(Duration.ofSeconds(15)).until(() ->
        n.get("/jobs?q=fixture").body().contains(retried));
    assertThat(n.get("/jobs?q=fixture").json().get("items")).filteredOn(i -> i.get("id").asText().equals(retried))
        .singleElement().satisfies(i -> assertThat(i.get("state").asText()).isEqualTo("COMPLETED"));

    // The entity recovered from old events takes new commands and writes the new form after them.
    assertThat(n.put("/jobs/" + timedOut + "/restart").status()).isEqualTo(200);
    n.awaitState(timedOut, "FAILED");
    Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> failureEvent(n, timedOut, 1) != null);
    assertThat(failureEvent(n, timedOut, 1).at("/data/cause").asText()).isEqualTo("TIMEOUT");
    List<String> manifests = new ArrayList<>();
    try (java.sql.Connection c = n.node.database().connection();
        java.sql.PreparedStatement ps = c.prepareStatement("SELECT \"event_ser_manifest\" FROM \"event_journal\""
            + " WHERE \"persistence_id\" = ? AND \"event_ser_manifest\" LIKE '%TaskFailed%' ORDER BY \"sequence_number\"")) {
      ps.setString(1, "Job|" + timedOut);
      try (var rs = ps.executeQuery()) {
        while (rs.next()) manifests.add(rs.getString(1));
      }
    }
    assertThat(manifests).containsExactly("io.jtork.event.TaskFailed", "io.jtork.event.TaskFailed#2");
  }

  /** The {@code index}th TaskFailed in a job's history, or null. */
  private static JsonNode failureEvent(TestNode n, String jobId, int index) {
    int i = 0;
    for (JsonNode e : n.get("/jobs/" + jobId + "/events").json().get("items")) {
      if (e.get("type").asText().equals("TaskFailed") && i++ == index) return e;
    }
    return null;
  }

  // ---- hostile input (issue 20) -----------------------------------------------------------

  /** The reproductions of issue 20: each fails its task within 2 s naming the limit, and nothing else. */
  @Test
  void expressionsThatWouldExhaustTheNodeFailTheirTaskNamingTheLimit() throws Exception {
    TestNode n = node();
    List<String> expressions = List.of(
        "sequence(-5000000000000000000, 5000000000000000000)",
        "replace(repeat('a',1000000),'a',repeat('b',2000))",
        "split(repeat('a', 1000000), '')",
        "0 .. 9000000000000000000",
        "len([" + String.join(", ", java.util.Collections.nCopies(9, "repeat('a', 1000000)")) + "])");
    List<String> ids = new java.util.ArrayList<>();
    long start = System.nanoTime();
    for (String ex : expressions) {
      TestNode.Response r = n.post("/jobs", "application/json", "{\"name\":\"hostile\",\"tasks\":[{\"name\":\"t\","
          + "\"run\":\"echo $X\",\"env\":{\"X\":\"{{ " + ex + " }}\"}}]}");
      assertThat(r.status()).as(ex).isEqualTo(200);
      ids.add(r.json().get("id").asText());
    }
    // A normal job submitted alongside completes.
    String hello = n.postYaml(HELLO).json().get("id").asText();
    for (int i = 0; i < ids.size(); i++) {
      JsonNode job = n.awaitState(ids.get(i), Duration.ofSeconds(2), "FAILED", "COMPLETED");
      assertThat(job.get("state").asText()).as(expressions.get(i)).isEqualTo("FAILED");
      assertThat(job.get("error").asText()).as(expressions.get(i)).contains("(limit expression.")
          .hasSizeLessThan(1000);
    }
    assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(2000L * expressions.size());
    assertThat(n.awaitState(hello, "COMPLETED", "FAILED").get("state").asText()).isEqualTo("COMPLETED");
  }

  @Test
  void fourExpensiveReplacementsAtOnceDisturbNothingElse() throws Exception {
    TestNode n = node();
    List<java.util.concurrent.CompletableFuture<TestNode.Response>> sent = new java.util.ArrayList<>();
    for (int i = 0; i < 4; i++) {
      sent.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> n.post("/jobs", "application/json",
          "{\"name\":\"r\",\"tasks\":[{\"name\":\"t\",\"run\":\"echo\","
              + "\"env\":{\"X\":\"{{ replace(repeat('a',1000000),'a',repeat('b',2000)) }}\"}}]}")));
    }
    List<String> others = new java.util.ArrayList<>();
    for (int i = 0; i < 2; i++) others.add(n.postYaml(HELLO).json().get("id").asText());
    for (var f : sent) {
      String id = f.get().json().get("id").asText();
      assertThat(n.awaitState(id, Duration.ofSeconds(5), "FAILED", "COMPLETED").get("error").asText())
          .contains("limit expression.string");
    }
    for (String id : others) assertThat(n.awaitState(id, "COMPLETED", "FAILED").get("state").asText()).isEqualTo("COMPLETED");
  }

  @Test
  void hostileSubmissionsAreA400NamingTheFieldOrLimit() throws Exception {
    TestNode n = node();
    TestNode.Response timeout = n.postYaml("name: j\ntasks:\n- name: a\n  run: echo\n  timeout: 6000h\n");
    assertThat(timeout.status()).isEqualTo(400);
    assertThat(timeout.json().get("message").asText()).contains("tasks[0].timeout: must be at most 4800h");
    TestNode.Response limit = n.post("/jobs", "application/json",
        "{\"name\":\"j\",\"tasks\":[{\"name\":\"a\",\"run\":\"echo\",\"retry\":{\"limit\":\"3\"}}]}");
    assertThat(limit.status()).isEqualTo(400);
    assertThat(limit.json().at("/errors/0/path").asText()).isEqualTo("tasks[0].retry.limit");
    TestNode.Response name = n.post("/jobs", "application/json", "{\"name\":123,\"tasks\":[{\"name\":\"a\",\"run\":\"echo\"}]}");
    assertThat(name.status()).isEqualTo(400);
    assertThat(name.json().at("/errors/0/path").asText()).isEqualTo("name");
    for (String file : List.of(".", "..", "a/../../b", "f".repeat(5000))) {
      TestNode.Response r = n.post("/jobs", "application/json", "{\"name\":\"j\",\"tasks\":[{\"name\":\"a\",\"run\":\"echo\","
          + "\"files\":{\"" + file + "\":\"x\"}}]}");
      assertThat(r.status()).as(file.substring(0, Math.min(10, file.length()))).isEqualTo(400);
      assertThat(r.json().at("/errors/0/path").asText()).isEqualTo("tasks[0].files");
      assertThat(r.body()).doesNotContain("data/runs").hasSizeLessThan(2000);
    }
  }

  @Test
  void aDocumentOfManyAliasesGetsASmall400() throws Exception {
    StringBuilder yaml = new StringBuilder("name: j\nx: &a {k: v, k2: v2}\ntasks:\n");
    for (int i = 0; i < 100_000; i++) yaml.append("- *a\n");
    TestNode.Response r = node().postYaml(yaml.toString());
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("errors")).hasSize(100);
    assertThat(r.json().get("totalErrors").asInt()).isEqualTo(1001);
    assertThat(r.body().length()).isLessThan(32 * 1024);
  }

  @Test
  void anInstantOutsideTheSupportedRangeIsA400() throws Exception {
    TestNode n = node();
    String id = n.postYaml(HELLO).json().get("id").asText();
    for (String at : List.of("%2B999999999-12-31T23:59:59Z", "-000001-01-01T00:00:00Z", "1969-12-31T23:59:59Z")) {
      TestNode.Response r = n.get("/jobs/" + id + "?at=" + at);
      assertThat(r.status()).as(at).isEqualTo(400);
      assertThat(r.json().get("message").asText()).contains("must be between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59Z");
    }
  }

  /** Requests too malformed to reach the routes get Tork's JSON error shape too. */
  @Test
  void theHttpLayersOwnErrorsAreJson() throws Exception {
    TestNode n = node();
    int port = Integer.parseInt(n.base.substring(n.base.lastIndexOf(':') + 1));
    Map<String, Integer> requests = new java.util.LinkedHashMap<>();
    requests.put("GET /jobs?x=" + "a".repeat(5000) + " HTTP/1.1\r\nHost: x\r\n\r\n", 414);
    requests.put("GET /jobs HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(20_000) + "\r\n\r\n", 431);
    requests.put("GET /jobs HTTP/1.7\r\nHost: x\r\n\r\n", 505);
    requests.put("GET /jobs HTTP/1.1\r\n\r\n", 400);
    requests.put("POST /jobs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 99999999999\r\n\r\n", 413);
    for (var e : requests.entrySet()) {
      String answer = raw(port, e.getKey());
      String label = e.getKey().substring(0, Math.min(30, e.getKey().length()));
      assertThat(answer).as(label).startsWith("HTTP/1.1 " + e.getValue());
      assertThat(answer).as(label).containsIgnoringCase("content-type: application/json");
      String body = answer.substring(answer.indexOf("\r\n\r\n") + 4);
      assertThat(io.jtork.json.Json.json().readTree(body).get("message").asText()).as(label).isNotBlank();
    }
  }

  private static String raw(int port, String request) throws Exception {
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
      s.setSoTimeout(5000);
      s.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
      s.getOutputStream().flush();
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      try {
        for (int r; (r = s.getInputStream().read(buf)) > 0; ) {
          out.write(buf, 0, r);
          String text = out.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
          int head = text.indexOf("\r\n\r\n");
          java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)content-length: (\\d+)").matcher(text);
          if (head > 0 && m.find() && text.length() >= head + 4 + Integer.parseInt(m.group(1))) break;
        }
      } catch (java.net.SocketTimeoutException | java.net.SocketException e) {
        // the server closed or stopped: what arrived is the answer
      }
      return out.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
    }
  }
}
