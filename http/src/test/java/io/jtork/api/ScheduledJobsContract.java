package io.jtork.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code /scheduled-jobs} end to end against a real node: the API, the fires (measured against
 * their scheduled instants), pause, resume, delete, overlap and every bad input. Subclasses choose
 * the database.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ScheduledJobsContract {
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
    return "s" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
  }

  private static String schedule(String name, String schedule, String run) {
    return "name: " + name + "\nschedule: " + schedule + "\ntasks:\n- name: t\n  run: " + run + "\n";
  }

  private String create(String yaml) throws Exception {
    TestNode.Response r = node().post("/scheduled-jobs", "text/yaml", yaml);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json().get("id").asText();
  }

  /** Every job the schedule named {@code name} has made, oldest fire first (from the read model). */
  private List<JsonNode> jobsOf(String name) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (int page = 1; ; page++) {
      JsonNode p = node().get("/jobs?q=" + name + "&size=20&page=" + page).json();
      p.get("items").forEach(out::add);
      if (page >= p.get("totalPages").asInt()) break;
    }
    out.sort(Comparator.comparing(j -> j.at("/schedule/fireTime").asText()));
    return out;
  }

  /** The number of jobs the schedule made, once it has stayed the same for 1.5 s. */
  private int settled(String name) {
    int[] last = {-1};
    Awaitility.await().pollInterval(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(15)).until(() -> {
      int now = jobsOf(name).size();
      boolean same = now == last[0];
      last[0] = now;
      return same;
    });
    return last[0];
  }

  private static Instant instant(JsonNode n, String pointer) {
    return Instant.parse(n.at(pointer).asText());
  }

  // ---- the API -------------------------------------------------------------------------------

  @Test
  void createGetListAndNoSecretInAnyResponse() throws Exception {
    TestNode n = node();
    String name = unique();
    TestNode.Response created = n.post("/scheduled-jobs", "application/json", """
        {"name": "%s", "description": "nightly report", "tags": ["reports"],
         "inputs": {"region": "eu", "API_PASSWORD": "hunter2-pw"},
         "secrets": {"token": "s3cr3t-sched"},
         "schedule": {"cron": "0 3 * * *", "timezone": "Europe/Berlin", "catchUp": "none", "overlap": "skip"},
         "tasks": [{"name": "report", "env": {"TOKEN": "{{ secrets.token }}"}, "run": "echo $TOKEN"}]}
        """.formatted(name));
    assertThat(created.status()).as(created.body()).isEqualTo(200);
    JsonNode summary = created.json();
    String id = summary.get("id").asText();
    assertThat(id).matches("[0-9a-f]{32}");
    assertThat(summary.get("state").asText()).isEqualTo("ACTIVE");
    assertThat(summary.get("cron").asText()).isEqualTo("0 3 * * *");
    assertThat(summary.get("name").asText()).isEqualTo(name);
    assertThat(summary.at("/inputs/API_PASSWORD").asText()).isEqualTo("[REDACTED]");
    assertThat(summary.has("tasks")).isFalse();

    JsonNode full = n.get("/scheduled-jobs/" + id).json();
    assertThat(full.get("state").asText()).isEqualTo("ACTIVE");
    assertThat(full.get("timezone").asText()).isEqualTo("Europe/Berlin");
    assertThat(full.get("catchUp").asText()).isEqualTo("none");
    assertThat(full.get("overlap").asText()).isEqualTo("skip");
    assertThat(full.at("/tasks/0/name").asText()).isEqualTo("report");
    assertThat(full.at("/secrets/token").asText()).isEqualTo("[REDACTED]");
    assertThat(full.at("/inputs/region").asText()).isEqualTo("eu");
    // 03:00 in Berlin is 02:00 UTC in winter.
    assertThat(full.get("nextFireTime").asText()).endsWith("T02:00:00Z");
    assertThat(full.has("lastFireTime")).isFalse();

    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> n.get("/scheduled-jobs?size=20").body().contains(id));
    JsonNode listed = null;
    for (JsonNode item : n.get("/scheduled-jobs?size=20").json().get("items")) {
      if (item.get("id").asText().equals(id)) listed = item;
    }
    assertThat(listed).isNotNull();
    assertThat(listed.get("state").asText()).isEqualTo("ACTIVE");
    assertThat(listed.get("tags").get(0).asText()).isEqualTo("reports");
    assertThat(listed.at("/createdBy/username").asText()).isEqualTo("guest");
    for (String body : List.of(created.body(), n.get("/scheduled-jobs/" + id).body(),
        n.get("/scheduled-jobs?size=20").body(), n.get("/scheduled-jobs/" + id + "/events").body())) {
      assertThat(body).doesNotContain("s3cr3t-sched").doesNotContain("hunter2-pw");
    }
    assertThat(n.delete("/scheduled-jobs/" + id).status()).isEqualTo(200);
  }

  @Test
  void listIsPagedNewestFirst() throws Exception {
    TestNode n = node();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) ids.add(create(schedule(unique(), "{cron: \"0 0 1 1 *\"}", "true")));
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
      String body = n.get("/scheduled-jobs?size=20").body();
      return ids.stream().allMatch(body::contains);
    });
    JsonNode page = n.get("/scheduled-jobs?page=1&size=2").json();
    assertThat(page.get("size").asInt()).isEqualTo(2);
    assertThat(page.get("number").asInt()).isEqualTo(1);
    assertThat(page.get("totalItems").asLong()).isGreaterThanOrEqualTo(3);
    assertThat(page.at("/items/0/id").asText()).isEqualTo(ids.get(2));
    assertThat(page.at("/items/1/id").asText()).isEqualTo(ids.get(1));
    assertThat(n.get("/scheduled-jobs?size=50").json().get("size").asInt()).isLessThanOrEqualTo(20);
    for (String id : ids) assertThat(n.delete("/scheduled-jobs/" + id).status()).isEqualTo(200);
  }

  // ---- fires ---------------------------------------------------------------------------------

  @Test
  void firesEveryTwoSecondsEachWithinASecondOfItsInstant() throws Exception {
    TestNode n = node();
    String name = unique();
    String id = create(schedule(name, "{cron: \"*/2 * * * * *\"}", "echo -n fired > $TORK_OUTPUT"));
    Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500))
        .until(() -> jobsOf(name).size() >= 5);
    assertThat(n.delete("/scheduled-jobs/" + id).status()).isEqualTo(200);
    List<JsonNode> jobs = jobsOf(name);
    Instant previous = null;
    for (JsonNode job : jobs) {
      assertThat(job.at("/schedule/id").asText()).isEqualTo(id);
      assertThat(job.at("/schedule/cron").asText()).isEqualTo("*/2 * * * * *");
      Instant fire = instant(job, "/schedule/fireTime");
      Instant created = instant(job, "/createdAt");
      assertThat(fire.getEpochSecond() % 2).as("a fire on an even second").isZero();
      assertThat(fire.getNano()).isZero();
      long latenessMs = Duration.between(fire, created).toMillis();
      assertThat(latenessMs).as("ms between the fire at %s and its job %s", fire, job.get("id"))
          .isBetween(0L, 999L);
      if (previous != null) assertThat(Duration.between(previous, fire)).isEqualTo(Duration.ofSeconds(2));
      previous = fire;
    }
    JsonNode first = n.awaitState(jobs.get(0).get("id").asText(), "COMPLETED", "FAILED");
    assertThat(first.get("state").asText()).isEqualTo("COMPLETED");
    assertThat(first.at("/execution/0/result").asText()).isEqualTo("fired");
    assertThat(first.at("/schedule/id").asText()).isEqualTo(id);

    JsonNode events = n.get("/scheduled-jobs/" + id + "/events").json().get("items");
    assertThat(events.get(0).get("type").asText()).isEqualTo("ScheduledJobCreated");
    List<String> firedJobs = new ArrayList<>();
    events.forEach(e -> {
      if (e.get("type").asText().equals("ScheduledJobFired")) firedJobs.add(e.at("/data/jobId").asText());
    });
    assertThat(firedJobs).containsAll(jobs.stream().map(j -> j.get("id").asText()).toList());
    assertThat(events.get(events.size() - 1).get("type").asText()).isIn("ScheduledJobDeleted", "ScheduledJobFired");
  }

  @Test
  void pauseStopsFiresAndResumeRestartsThemWithoutCatchingUp() throws Exception {
    TestNode n = node();
    String name = unique();
    String id = create(schedule(name, "{cron: \"* * * * * *\"}", "true"));
    Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> jobsOf(name).size() >= 2);

    TestNode.Response paused = n.put("/scheduled-jobs/" + id + "/pause");
    assertThat(paused.status()).isEqualTo(200);
    assertThat(paused.json().get("status").asText()).isEqualTo("OK");
    Instant pausedAt = Instant.now();
    TestNode.Response again = n.put("/scheduled-jobs/" + id + "/pause");
    assertThat(again.status()).isEqualTo(400);
    assertThat(again.json().get("message").asText()).isEqualTo("scheduled job is not active");
    JsonNode got = n.get("/scheduled-jobs/" + id).json();
    assertThat(got.get("state").asText()).isEqualTo("PAUSED");
    assertThat(got.has("nextFireTime")).isFalse();
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
        n.get("/scheduled-jobs?size=20").body().contains("\"id\":\"" + id + "\",\"createdBy\"")
            && n.get("/scheduled-jobs?size=20").body().contains("PAUSED"));

    int atPause = settled(name); // a fire that was already being submitted at the pause may still land
    Awaitility.await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6))
        .until(() -> jobsOf(name).size() == atPause);
    assertThat(jobsOf(name)).as("no fire while paused").hasSize(atPause);
    assertThat(jobsOf(name)).allSatisfy(j -> assertThat(instant(j, "/schedule/fireTime")).isBefore(pausedAt));

    Instant resumedAt = Instant.now();
    assertThat(n.put("/scheduled-jobs/" + id + "/resume").status()).isEqualTo(200);
    TestNode.Response resumedAgain = n.put("/scheduled-jobs/" + id + "/resume");
    assertThat(resumedAgain.status()).isEqualTo(400);
    assertThat(resumedAgain.json().get("message").asText()).isEqualTo("scheduled job is not paused");
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> jobsOf(name).size() >= atPause + 2);
    assertThat(n.delete("/scheduled-jobs/" + id).status()).isEqualTo(200);
    List<JsonNode> after = jobsOf(name).subList(atPause, jobsOf(name).size());
    assertThat(after).as("fires after the resume are new ones, not the paused period caught up")
        .allSatisfy(j -> assertThat(instant(j, "/schedule/fireTime")).isAfter(resumedAt));
  }

  @Test
  void deleteStopsFiresAndTheScheduleIsGone() throws Exception {
    TestNode n = node();
    String name = unique();
    String id = create(schedule(name, "{cron: \"* * * * * *\"}", "true"));
    Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> jobsOf(name).size() >= 1);
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> n.get("/scheduled-jobs?size=20").body().contains(id));

    assertThat(n.delete("/scheduled-jobs/" + id).json().get("status").asText()).isEqualTo("OK");
    TestNode.Response gone = n.get("/scheduled-jobs/" + id);
    assertThat(gone.status()).isEqualTo(404);
    assertThat(gone.json().get("message").asText()).isEqualTo("scheduled job not found");
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !n.get("/scheduled-jobs?size=20").body().contains(id));
    for (TestNode.Response r : List.of(n.delete("/scheduled-jobs/" + id), n.put("/scheduled-jobs/" + id + "/pause"),
        n.put("/scheduled-jobs/" + id + "/resume"))) {
      assertThat(r.status()).isEqualTo(404);
    }
    int atDelete = settled(name);
    Awaitility.await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6))
        .until(() -> jobsOf(name).size() == atDelete);
    assertThat(jobsOf(name)).as("no fire after the delete").hasSize(atDelete);
  }

  @Test
  void overlapSkipNeverRunsTwoAtOnce() throws Exception {
    TestNode n = node();
    String name = unique();
    String id = create(schedule(name, "{cron: \"* * * * * *\", overlap: skip}", "sleep 2.5"));
    Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
        .until(() -> jobsOf(name).size() >= 3);
    assertThat(n.delete("/scheduled-jobs/" + id).status()).isEqualTo(200);
    List<JsonNode> jobs = new ArrayList<>();
    for (JsonNode j : jobsOf(name)) jobs.add(n.awaitState(j.get("id").asText(), "COMPLETED", "FAILED"));
    for (int i = 1; i < jobs.size(); i++) {
      Instant previousEnd = instant(jobs.get(i - 1), "/completedAt");
      Instant start = instant(jobs.get(i), "/createdAt");
      assertThat(start).as("job %d started before job %d ended", i, i - 1).isAfterOrEqualTo(previousEnd);
    }
    JsonNode events = n.get("/scheduled-jobs/" + id + "/events").json().get("items");
    List<String> skipped = new ArrayList<>();
    events.forEach(e -> {
      if (e.get("type").asText().equals("ScheduledJobFireSkipped")) skipped.add(e.at("/data/reason").asText());
    });
    assertThat(skipped).isNotEmpty().allSatisfy(reason -> assertThat(reason)
        .startsWith("overlap: skip, and the job of the previous fire (").endsWith(") is still RUNNING"));
  }

  // ---- bad input -----------------------------------------------------------------------------

  @Test
  void badInputIsA400ThatNamesTheProblemAndCreatesNothing() throws Exception {
    TestNode n = node();
    String name = unique();
    record Case(String contentType, String body, String message) {}
    List<Case> cases = List.of(
        new Case("text/yaml", schedule(name, "{cron: \"61 * * * *\"}", "true"),
            "invalid scheduled job: schedule.cron: \"61 * * * *\" is not a valid cron expression: Value 61 not in range"
                + " [0, 59]"),
        new Case("text/yaml", schedule(name, "{cron: \"* * * *\"}", "true"),
            "invalid scheduled job: schedule.cron: \"* * * *\" has 4 fields; expected 5 (minute hour day-of-month"
                + " month day-of-week) or 6 (second first)"),
        new Case("text/yaml", schedule(name, "{cron: \"* * * * *\", timezone: Moon/Tranquility}", "true"),
            "invalid scheduled job: schedule.timezone: unknown time zone \"Moon/Tranquility\" (use an IANA name such"
                + " as Europe/Berlin or America/New_York)"),
        new Case("text/yaml", schedule(name, "{cron: \"* * * * *\", catchUp: sometimes}", "true"),
            "invalid scheduled job: schedule.catchUp: must be one of none, last, all (got \"sometimes\")"),
        new Case("text/yaml", schedule(name, "{cron: \"* * * * *\", overlap: queue}", "true"),
            "invalid scheduled job: schedule.overlap: must be one of allow, skip (got \"queue\")"),
        new Case("text/yaml", "name: " + name + "\ntasks:\n- name: t\n", "invalid scheduled job: schedule: required"),
        new Case("text/yaml", "name: " + name + "\nschedule: {cron: \"* * * * *\"}\ntasks:\n- name: t\n  imagee: x\n",
            "invalid scheduled job: tasks[0].imagee: unknown field"),
        new Case("application/json", "{\"name\":\"" + name + "\",\"schedule\":{\"cron\":\"* * * * *\",\"every\":1},"
            + "\"tasks\":[{\"name\":\"t\"}]}", "invalid scheduled job: schedule.every: unknown field"),
        new Case("text/yaml", "name: " + name + "\nwait: {timeout: 1s}\nschedule: {cron: \"* * * * *\"}\ntasks:\n"
            + "- name: t\n", "invalid scheduled job: wait: unknown field"),
        new Case("text/plain", schedule(name, "{cron: \"* * * * *\"}", "true"),
            "unknown content type: text/plain (send the job as application/json, text/yaml or application/x-yaml)"));
    for (Case c : cases) {
      TestNode.Response r = n.post("/scheduled-jobs", c.contentType(), c.body());
      assertThat(r.status()).as(c.body()).isEqualTo(400);
      assertThat(r.json().get("message").asText()).as(c.body()).isEqualTo(c.message());
    }
    Awaitility.await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(4))
        .until(() -> !n.get("/scheduled-jobs?size=20").body().contains(name));
    assertThat(n.get("/scheduled-jobs?size=20").body()).doesNotContain(name);
    assertThat(jobsOf(name)).isEmpty();
  }

  @Test
  void unknownIdsAre404() throws Exception {
    TestNode n = node();
    String missing = UUID.randomUUID().toString().replace("-", "");
    for (TestNode.Response r : List.of(n.get("/scheduled-jobs/" + missing), n.get("/scheduled-jobs/not-an-id"),
        n.put("/scheduled-jobs/" + missing + "/pause"), n.put("/scheduled-jobs/" + missing + "/resume"),
        n.delete("/scheduled-jobs/" + missing), n.get("/scheduled-jobs/" + missing + "/events"))) {
      assertThat(r.status()).isEqualTo(404);
      assertThat(r.json().get("message").asText()).isEqualTo("scheduled job not found");
    }
    assertThat(n.get("/scheduled-jobs?page=x").status()).isEqualTo(400);
  }
}
