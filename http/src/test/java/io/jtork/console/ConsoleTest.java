package io.jtork.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.jtork.api.TestNode;
import io.jtork.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;

/**
 * The web console end to end: a real node (H2, the shell runtime, sign-in on) with real jobs of
 * every shape, and Debian's headless Chromium loading each page, asserting what it shows,
 * performing each action and asserting the result on the page with no reload. Each page is
 * saved as a screenshot under {@code target/console-screenshots/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleTest {
  private static final String ALICE = "alice", ALICE_PW = "alice-admin-pw";
  private final HttpClient http = HttpClient.newHttpClient();
  private TestNode node;
  private ConsoleBrowser browser;
  private final Map<String, String> jobs = new HashMap<>();

  @BeforeAll
  void start() throws Exception {
    node = TestNode.h2(Map.of("jtork.auth.enabled", true, "jtork.auth.admin.username", ALICE,
        "jtork.auth.admin.password", ALICE_PW, "jtork.auth.throttle.address.failures", 1000,
        "jtork.auth.throttle.user.free-failures", 1000));
    for (String u : List.of("bob", "carol")) {
      assertThat(call(ALICE, ALICE_PW, "POST", "/users", "application/json",
          "{\"username\":\"" + u + "\",\"password\":\"" + u + "-password\"}").statusCode()).isEqualTo(200);
    }
    browser = ConsoleBrowser.open(node.base, 1280, 900);
  }

  @AfterAll
  void stop() throws Exception {
    if (browser != null) browser.close();
    if (node != null) node.close();
  }

  // ---- the pages ------------------------------------------------------------------------------

  @Test
  void jobsListSignsInShowsEveryShapeLiveAndSearches() throws Exception {
    signIn(ALICE, ALICE_PW);
    browser.go("#/jobs");
    browser.shown("table.jobs");
    // Submitted after the page loaded: each row arrives and ends by the live stream alone.
    jobs.put("sequential", submit(ALICE, ALICE_PW, "name: sequential\ntags: [shapes]\ntasks:\n- name: first\n  var: one\n"
        + "  run: echo -n one > $TORK_OUTPUT\n- name: second\n  run: echo two\n"));
    jobs.put("parallel", submit(ALICE, ALICE_PW, "name: parallel\ntags: [shapes]\ntasks:\n- name: fan out\n  parallel:\n"
        + "    tasks:\n    - name: left\n      run: echo left\n    - name: right\n      run: echo right\n"));
    jobs.put("each", submit(ALICE, ALICE_PW, "name: each\ntags: [shapes]\ntasks:\n- name: every\n  each:\n"
        + "    list: \"{{ sequence(1, 4) }}\"\n    task:\n      name: item\n      run: echo item\n"));
    jobs.put("subjob", submit(ALICE, ALICE_PW, "name: subjob\ntags: [shapes]\ntasks:\n- name: child\n  subjob:\n"
        + "    name: the child\n    tasks:\n    - name: inside\n      run: echo inside\n"));
    jobs.put("failed", submit(ALICE, ALICE_PW, "name: failed\ntags: [shapes]\ntasks:\n- name: breaks\n  run: echo broken; exit 3\n"));
    jobs.put("retried", submit(ALICE, ALICE_PW, "name: retried\ntags: [shapes]\ntasks:\n- name: flaky\n  retry:\n    limit: 1\n"
        + "  run: exit 1\n"));
    jobs.put("cancelled", submit(ALICE, ALICE_PW, "name: cancelled\ntags: [shapes]\ntasks:\n- name: long\n  run: sleep 60\n"));
    awaitApiState(jobs.get("cancelled"), "RUNNING");
    assertThat(call(ALICE, ALICE_PW, "PUT", "/jobs/" + jobs.get("cancelled") + "/cancel", null, null).statusCode()).isEqualTo(200);

    Map<String, String> finals = Map.of("sequential", "COMPLETED", "parallel", "COMPLETED", "each", "COMPLETED",
        "subjob", "COMPLETED", "failed", "FAILED", "retried", "FAILED", "cancelled", "CANCELLED");
    for (var e : finals.entrySet()) {
      browser.await(d -> d.findElements(By.cssSelector("tr[data-job='" + jobs.get(e.getKey()) + "'][data-state='"
          + e.getValue() + "']")).size() == 1);
    }
    // The jobs the stream added count in the pages too.
    String pager = browser.shown(".pager").getText();
    long total = Long.parseLong(pager.replaceAll("(?s).*\\((\\d+) jobs\\).*", "$1"));
    assertThat(pager).contains("of " + Math.max(1, (total + 9) / 10));
    WebElement row = browser.shown("tr[data-job='" + jobs.get("parallel") + "']");
    assertThat(row.getText()).contains("parallel", "COMPLETED", "shapes");
    assertThat(row.findElement(By.cssSelector("[role=progressbar]")).getAttribute("aria-valuenow")).isEqualTo("100");
    browser.screenshot("jobs");

    // Search: the FAILED chip, then a name; only matching rows.
    browser.shown("button.chip.state-failed").click();
    browser.await(d -> rowsShown().size() >= 2 && rowsShown().stream().allMatch(r -> r.getAttribute("data-state").equals("FAILED")));
    browser.shown("button.chip.state-failed").click();
    WebElement search = browser.shown("input[type=search]");
    search.sendKeys("retried");
    browser.await(d -> !rowsShown().isEmpty() && rowsShown().stream().allMatch(r -> r.getText().startsWith("retried"))
        && rowsShown().stream().anyMatch(r -> r.getAttribute("data-job").equals(jobs.get("retried"))));
    search.clear();
    search.sendKeys(Keys.BACK_SPACE);
  }

  @Test
  void jobsListPages() throws Exception {
    signIn(ALICE, ALICE_PW);
    for (int i = 0; i < 12; i++) submit(ALICE, ALICE_PW, "name: paged " + i + "\ntags: [paging]\ntasks:\n- name: t\n  run: 'true'\n");
    browser.go("#/jobs?q=tag:paging");
    browser.await(d -> rowsShown().size() == 10 && d.findElement(By.cssSelector(".pager")).getText().contains("of 2"));
    assertThat(rowsShown().get(0).getText()).contains("paged 11");
    browser.shown(".pager button:last-child").click();
    browser.await(d -> rowsShown().size() == 2 && rowsShown().get(1).getText().contains("paged 0"));
    browser.shown(".pager button:first-child").click();
    browser.await(d -> rowsShown().size() == 10);
  }

  @Test
  void jobPageShowsTheTreeRetriesAndFollowsTheLog() throws Exception {
    signIn(ALICE, ALICE_PW);
    Path gate = TestNode.taskDir("jtork-console-log").resolve("go");
    String logged = submit(ALICE, ALICE_PW, "name: talker\ntasks:\n- name: talk\n  run: echo line-1; while [ ! -f " + gate
        + " ]; do sleep 0.05; done; for i in 2 3 4 5; do echo line-$i; sleep 0.2; done\n");
    browser.go("#/jobs/" + logged);
    // Lines appear while it runs, in order, with no reload.
    browser.await(d -> d.findElement(By.cssSelector("pre.log")).getText().contains("line-1")
        && d.findElement(By.cssSelector("h1 .state")).getText().equals("RUNNING"));
    assertThat(browser.shown("pre.log").getText()).doesNotContain("line-2");
    Files.writeString(gate, "go");
    browser.await(d -> d.findElement(By.cssSelector("pre.log")).getText().contains("line-5"));
    browser.await(d -> d.findElement(By.cssSelector("h1 .state")).getText().equals("COMPLETED"));
    String log = browser.shown("pre.log").getText();
    assertThat(log.indexOf("line-1")).isLessThan(log.indexOf("line-5"));
    browser.screenshot("job-log");

    String parallel = awaitOrSubmit("parallel", "name: parallel\ntasks:\n- name: fan out\n  parallel:\n"
        + "    tasks:\n    - name: left\n      run: echo left\n    - name: right\n      run: echo right\n");
    browser.go("#/jobs/" + parallel);
    browser.await(d -> d.findElements(By.cssSelector("li[data-task='fan out'] > ul > li[data-task='left'][data-state=COMPLETED]")).size() == 1
        && d.findElements(By.cssSelector("li[data-task='fan out'] > ul > li[data-task='right'][data-state=COMPLETED]")).size() == 1);
    browser.screenshot("job-parallel");

    String each = awaitOrSubmit("each", "name: each\ntasks:\n- name: every\n  each:\n"
        + "    list: \"{{ sequence(1, 4) }}\"\n    task:\n      name: item\n      run: echo item\n");
    browser.go("#/jobs/" + each);
    browser.await(d -> d.findElements(By.cssSelector("li[data-task='every'] > ul > li[data-task='item'][data-state=COMPLETED]")).size() == 3);

    String sequential = awaitOrSubmit("sequential", "name: sequential\ntasks:\n- name: first\n  var: one\n"
        + "  run: echo -n one > $TORK_OUTPUT\n- name: second\n  run: echo two\n");
    browser.go("#/jobs/" + sequential);
    browser.await(d -> d.findElements(By.cssSelector("li[data-task='first'] .result")).size() == 1);
    assertThat(browser.shown("li[data-task='first'] .result").getText()).contains("one");
    assertThat(browser.all("ul.tree > li").stream().map(l -> l.getAttribute("data-task")).toList()).containsExactly("first", "second");

    String subjob = awaitOrSubmit("subjob", "name: subjob\ntasks:\n- name: child\n  subjob:\n"
        + "    name: the child\n    tasks:\n    - name: inside\n      run: echo inside\n");
    browser.go("#/jobs/" + subjob);
    browser.await(d -> d.findElements(By.cssSelector("li[data-task='child'][data-state=COMPLETED] .kind")).size() == 1);
    assertThat(browser.shown("li[data-task='child'] .kind").getText()).isEqualTo("subjob");
    String[] found = new String[1];
    // The read model shows the child a moment after the parent's end, perhaps.
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
      for (JsonNode c : Json.json().readTree(call(ALICE, ALICE_PW, "GET", "/jobs?q=the%20child", null, null).body()).get("items")) {
        String parentTask = c.path("parentId").asText();
        String parentJob = Json.json().readTree(call(ALICE, ALICE_PW, "GET", "/tasks/" + parentTask, null, null).body()).path("jobId").asText();
        if (parentJob.equals(subjob)) found[0] = c.get("id").asText();
      }
      return found[0] != null;
    });
    String child = found[0];
    assertThat(child).as("the sub-job of " + subjob).isNotNull();
    browser.go("#/jobs/" + child);
    browser.await(d -> d.findElements(By.cssSelector("li[data-task='inside'][data-state=COMPLETED]")).size() == 1);
    browser.shown("a.parent").click();
    browser.await(d -> d.getCurrentUrl().endsWith("#/jobs/" + subjob));
    // and back down, from the parent's subjob task
    browser.shown("li[data-task='child'] a.subjob").click();
    browser.await(d -> d.getCurrentUrl().endsWith("#/jobs/" + child));
    browser.shown("li[data-task='inside']");

    String retried = awaitOrSubmit("retried", "name: retried\ntasks:\n- name: flaky\n  retry:\n    limit: 1\n  run: exit 1\n");
    browser.go("#/jobs/" + retried);
    browser.await(d -> d.findElement(By.cssSelector("h1 .state")).getText().equals("FAILED"));
    assertThat(browser.all(".retry").stream().map(WebElement::getText).toList()).contains("attempt 2 of 2");
    assertThat(browser.shown("li[data-task='flaky'][data-state=FAILED] .error").getText()).contains("exit");
  }

  @Test
  void cancelRestartAndTheTimeSlider() throws Exception {
    signIn(ALICE, ALICE_PW);
    String id = submit(ALICE, ALICE_PW, "name: steerable\ntasks:\n- name: long\n  run: sleep 60\n");
    browser.go("#/jobs/" + id);
    browser.await(d -> d.findElement(By.cssSelector("h1 .state")).getText().equals("RUNNING"));
    browser.shown("button.cancel").click();
    browser.await(d -> d.findElement(By.cssSelector("h1 .state")).getText().equals("CANCELLED"));
    assertThat(browser.shown("button.cancel").isEnabled()).isFalse();
    assertThat(apiState(id)).isEqualTo("CANCELLED");
    browser.shown("button.restart").click();
    browser.await(d -> d.findElement(By.cssSelector("h1 .state")).getText().equals("RUNNING"));
    assertThat(apiState(id)).isEqualTo("RUNNING");
    // The history shows the cancel and the restart, by whom.
    browser.await(d -> d.findElement(By.cssSelector("ol.timeline")).getText().contains("user:alice"));
    browser.shown("button.cancel").click();
    browser.await(d -> d.findElement(By.cssSelector("h1 .state")).getText().equals("CANCELLED"));

    // The slider at its start shows the job as it was just after its first event.
    WebElement slider = browser.shown("input[type=range]");
    slider.sendKeys(Keys.HOME);
    browser.await(d -> d.findElements(By.cssSelector(".asof")).size() == 1
        && !d.findElement(By.cssSelector(".snapshot")).getAttribute("data-state").equals("CANCELLED"));
    String then = browser.shown(".snapshot").getAttribute("data-state");
    assertThat(then).isIn("PENDING", "SCHEDULED");
    assertThat(browser.all("ol.timeline li.later")).isNotEmpty();
    browser.screenshot("job-time-slider");
    // One step right with the keyboard, then back to now with the button.
    slider.sendKeys(Keys.ARROW_RIGHT);
    browser.await(d -> d.findElement(By.cssSelector(".at")).getText().startsWith("after event 2,"));
    browser.shown("button.now").click();
    browser.await(d -> d.findElements(By.cssSelector(".asof")).isEmpty()
        && d.findElement(By.cssSelector(".snapshot")).getAttribute("data-state").equals("CANCELLED"));
    slider.sendKeys(Keys.HOME);
    browser.await(d -> d.findElements(By.cssSelector(".asof")).size() == 1);
    slider.sendKeys(Keys.END);
    browser.await(d -> d.findElements(By.cssSelector(".asof")).isEmpty());
  }

  @Test
  void submittingShowsErrorsBesideTheirLinesAndOpensTheJob() throws Exception {
    signIn(ALICE, ALICE_PW);
    browser.go("#/submit");
    WebElement editor = browser.shown("textarea[name=job]");
    setValue(editor, "name: typo\ntasks:\n  - name: t\n    imagee: busybox\n    run: echo hi\n    retry:\n      limitt: 2\n");
    browser.shown("button[type=submit]").click();
    WebElement at4 = browser.shown(".inline-error[data-line='4']");
    assertThat(at4.getText()).contains("tasks[0].imagee", "unknown field");
    assertThat(browser.shown(".inline-error[data-line='7']").getText()).contains("tasks[0].retry.limitt");
    assertThat(browser.all(".line.bad").stream().map(l -> l.getAttribute("data-line")).toList()).containsExactly("4", "7");
    browser.screenshot("submit-errors");

    // Unparseable YAML: the line the parser stopped at.
    setValue(editor, "name: broken\ntasks:\n  - name: t\n    run: [unclosed\n");
    browser.shown("button[type=submit]").click();
    browser.await(d -> !d.findElements(By.cssSelector(".line.bad")).isEmpty());

    setValue(editor, "name: from the console\ntasks:\n  - name: t\n    run: echo -n submitted > $TORK_OUTPUT\n");
    browser.shown("button[type=submit]").click();
    browser.await(d -> d.getCurrentUrl().contains("#/jobs/"));
    browser.await(d -> d.findElement(By.cssSelector("h1 .state")).getText().equals("COMPLETED"));
    assertThat(browser.shown("h1 .name").getText()).isEqualTo("from the console");
    String id = browser.driver.getCurrentUrl().replaceAll(".*#/jobs/", "");
    assertThat(apiState(id)).isEqualTo("COMPLETED");
  }

  @Test
  void scheduledJobsPauseResumeShowHistoryAndDelete() throws Exception {
    signIn(ALICE, ALICE_PW);
    var created = call(ALICE, ALICE_PW, "POST", "/scheduled-jobs", "application/json", """
        {"name": "nightly report", "schedule": {"cron": "0 3 * * *", "timezone": "Europe/Berlin", "catchUp": "none",
         "overlap": "skip"}, "tasks": [{"name": "report", "run": "echo report"}]}""");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
    String id = Json.json().readTree(created.body()).get("id").asText();
    browser.go("#/scheduled");
    WebElement row = browser.shown("tr[data-schedule='" + id + "']");
    assertThat(row.getText()).contains("nightly report", "0 3 * * *", "Europe/Berlin", "ACTIVE", "none", "skip");
    assertThat(row.findElements(By.cssSelector("time")).get(0).getAttribute("title")).endsWith("T02:00:00.000Z");
    browser.screenshot("scheduled");
    row.findElement(By.cssSelector("button.pause")).click();
    browser.await(d -> d.findElements(By.cssSelector("tr[data-schedule='" + id + "'][data-state=PAUSED]")).size() == 1);
    browser.shown("tr[data-schedule='" + id + "'] button.resume").click();
    browser.await(d -> d.findElements(By.cssSelector("tr[data-schedule='" + id + "'][data-state=ACTIVE]")).size() == 1);
    browser.shown("tr[data-schedule='" + id + "'] button.link").click();
    browser.await(d -> d.findElements(By.cssSelector("ol.history li")).stream().map(l -> l.getAttribute("data-type")).toList()
        .containsAll(List.of("ScheduledJobCreated", "ScheduledJobPaused", "ScheduledJobResumed")));
    browser.shown("tr[data-schedule='" + id + "'] button.delete").click();
    browser.shown("tr[data-schedule='" + id + "'] button.delete.danger").click();
    browser.await(d -> d.findElements(By.cssSelector("tr[data-schedule='" + id + "']")).isEmpty());
    assertThat(call(ALICE, ALICE_PW, "GET", "/scheduled-jobs/" + id, null, null).statusCode()).isEqualTo(404);
  }

  @Test
  void clusterAndAdminPages() throws Exception {
    signIn(ALICE, ALICE_PW);
    browser.go("#/cluster");
    browser.await(d -> d.findElements(By.cssSelector("table.members tr[data-status=UP]")).size() == 1
        && !d.findElements(By.cssSelector("table.workers tbody tr")).isEmpty());
    assertThat(browser.shown("table.workers tbody tr").getText()).contains("UP", "shell");
    browser.screenshot("cluster");

    browser.go("#/admin");
    WebElement create = browser.shown("form[aria-label='Create a user']");
    create.findElement(By.name("username")).sendKeys("dave");
    create.findElement(By.name("password")).sendKeys("dave-password");
    create.findElement(By.cssSelector("button")).click();
    browser.await(d -> create.getText().contains("Created user dave."));
    browser.await(d -> d.findElements(By.cssSelector("table.users tr[data-user=dave]")).size() == 1);
    WebElement role = browser.shown("form[aria-label='Create a role']");
    role.findElement(By.name("slug")).sendKeys("ops");
    role.findElement(By.cssSelector("button")).click();
    browser.await(d -> role.getText().contains("Created role ops."));
    browser.await(d -> d.findElements(By.cssSelector("table.roles tr[data-role=ops]")).size() == 1);
    WebElement give = browser.shown("form[aria-label='Give a user a role']");
    give.findElement(By.name("username")).sendKeys("dave");
    give.findElement(By.name("role")).sendKeys("nope");
    give.findElement(By.cssSelector("button")).click();
    browser.await(d -> give.getText().contains("role \"nope\" does not exist"));
    browser.shown("button.replay").click();
    browser.await(d -> d.findElements(By.cssSelector(".replay[data-state=COMPLETED]")).size() == 1);
    assertThat(browser.shown("table.users tr[data-user=alice]").getText()).contains("admin");
    browser.screenshot("admin"); // before a key is shown: no key in the docs' picture
    WebElement key = browser.shown("form[aria-label='My API key']");
    key.findElement(By.cssSelector("button")).click();
    browser.await(d -> key.getText().contains("jtk_"));
    browser.await(d -> !d.findElements(By.cssSelector("ul.keys li")).isEmpty());
  }

  @Test
  void anotherUserDoesNotSeeAJobWithPermissions() throws Exception {
    String mine = submit("bob", "bob-password", "name: bob private\npermissions: [{user: bob}]\ntasks:\n- name: t\n  run: echo secret-ish\n");
    signIn("bob", "bob-password");
    browser.go("#/jobs");
    browser.shown("tr[data-job='" + mine + "']");
    signIn("carol", "carol-password");
    browser.go("#/jobs?q=bob");
    browser.await(d -> d.findElements(By.cssSelector("table.jobs")).size() == 1);
    browser.await(d -> d.getPageSource().contains("No jobs"));
    assertThat(browser.all("tr[data-job='" + mine + "']")).isEmpty();
    browser.go("#/jobs/" + mine);
    assertThat(browser.shown("[role=alert]").getText()).contains("job not found");
    assertThat(browser.driver.getPageSource()).doesNotContain("bob private");
    browser.screenshot("not-visible");
    signIn("alice", "wrong-password-here");
    assertThat(browser.shown(".login [role=alert]").getText()).contains("Wrong username or password");
  }

  @Test
  void theListStaysLiveWhile100JobsRun() throws Exception {
    Path gate = TestNode.taskDir("jtork-console-gate").resolve("open");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      ids.add(submit(ALICE, ALICE_PW, "name: load " + i + "\ntags: [load]\ntasks:\n- name: t\n  run: while [ ! -f " + gate
          + " ]; do sleep 0.05; done\n"));
    }
    List<String> tabs = new ArrayList<>();
    try {
      watchInTabs(ids, gate, tabs);
    } finally {
      Files.writeString(gate, "go"); // whatever happened, the jobs end and free the worker
    }
    for (String tab : tabs.subList(Math.min(1, tabs.size()), tabs.size())) {
      browser.driver.switchTo().window(tab);
      browser.driver.close();
    }
    if (!tabs.isEmpty()) browser.driver.switchTo().window(tabs.get(0));
  }

  private void watchInTabs(List<String> ids, Path gate, List<String> tabs) throws Exception {
    // Five tabs, a page of 20 each, watch every row (the list is 20 a page at most, as Tork's).
    for (int page = 1; page <= 5; page++) {
      if (page > 1) browser.driver.switchTo().newWindow(WindowType.TAB);
      tabs.add(browser.driver.getWindowHandle());
      signIn(ALICE, ALICE_PW); // each tab has a sessionStorage of its own
      browser.go("#/jobs?q=tag:load&page=" + page + "&size=20");
      browser.await(d -> rowsShown().size() == 20);
      // When each row first shows its final state, by the browser's clock (the machine's).
      browser.driver.executeScript("""
          window.__final = {};
          new MutationObserver(() => {
            for (const r of document.querySelectorAll('tr[data-job]')) {
              const s = r.getAttribute('data-state');
              if ((s === 'COMPLETED' || s === 'FAILED') && !window.__final[r.dataset.job]) window.__final[r.dataset.job] = Date.now();
            }
          }).observe(document.body, {subtree: true, childList: true, attributes: true});""");
    }
    Files.writeString(gate, "go");
    Awaitility.await().atMost(Duration.ofSeconds(120)).until(() -> {
      for (String id : ids) if (!apiState(id).equals("COMPLETED")) return false;
      return true;
    });
    Map<String, Long> shown = new HashMap<>();
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> {
      for (String tab : tabs) {
        browser.driver.switchTo().window(tab);
        @SuppressWarnings("unchecked")
        Map<String, Object> seen = (Map<String, Object>) browser.driver.executeScript("return window.__final;");
        seen.forEach((k, v) -> shown.put(k, ((Number) v).longValue()));
      }
      return shown.keySet().containsAll(ids);
    });
    long worst = 0;
    for (String id : ids) {
      JsonNode job = Json.json().readTree(call(ALICE, ALICE_PW, "GET", "/jobs/" + id, null, null).body());
      long done = Instant.parse(job.get("completedAt").asText()).toEpochMilli();
      worst = Math.max(worst, shown.get(id) - done);
    }
    System.out.println("100 jobs: the latest a row showed its final state after the API's completedAt: " + worst + " ms");
    assertThat(worst).as("the latest a row showed COMPLETED after the API's completedAt, ms").isLessThan(2000);
    browser.screenshot("jobs-under-load");
  }

  @Test
  void aPhoneWidthShowsTheListAndKeyboardReachesTheNavigation() throws Exception {
    signIn(ALICE, ALICE_PW);
    browser.driver.manage().window().setSize(new org.openqa.selenium.Dimension(390, 844));
    try {
      browser.go("#/jobs");
      browser.shown("table.jobs");
      Object overflow = browser.driver.executeScript("return document.documentElement.scrollWidth > window.innerWidth + 1;");
      assertThat(overflow).isEqualTo(false);
      browser.screenshot("jobs-phone");
      // Tab from the top reaches the navigation's links.
      browser.driver.findElement(By.tagName("body")).sendKeys(Keys.TAB);
      List<String> focused = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        focused.add(String.valueOf(browser.driver.executeScript("return document.activeElement.textContent;")));
        browser.driver.switchTo().activeElement().sendKeys(Keys.TAB);
      }
      assertThat(focused).contains("Jobs", "Submit", "Scheduled", "Cluster", "Admin");
    } finally {
      browser.driver.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 900));
    }
  }

  // ---- helpers ------------------------------------------------------------------------------

  private List<WebElement> rowsShown() {
    return browser.all("table.jobs tbody tr");
  }

  /** Signs in through the console's form (signing out first when someone is). */
  private void signIn(String user, String password) {
    browser.go("#/jobs");
    browser.driver.executeScript("sessionStorage.clear();");
    browser.driver.navigate().refresh();
    WebElement form = browser.shown(".login form");
    form.findElement(By.name("username")).sendKeys(user);
    form.findElement(By.name("password")).sendKeys(password);
    form.findElement(By.cssSelector("button[type=submit]")).click();
    if (!password.startsWith("wrong")) browser.await(d -> d.findElements(By.cssSelector(".who")).size() == 1);
  }

  /** Sets a textarea's value as typing would (an input event), in one step. */
  private void setValue(WebElement textarea, String value) {
    browser.driver.executeScript("arguments[0].value = arguments[1];"
        + "arguments[0].dispatchEvent(new Event('input', {bubbles: true}));", textarea, value);
  }

  private String awaitOrSubmit(String key, String yaml) throws Exception {
    String id = jobs.get(key);
    if (id == null) {
      id = submit(ALICE, ALICE_PW, yaml);
      jobs.put(key, id);
    }
    String found = id;
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> List.of("COMPLETED", "FAILED").contains(apiState(found)));
    return id;
  }

  private String submit(String user, String password, String yaml) throws Exception {
    HttpResponse<String> r = call(user, password, "POST", "/jobs", "text/yaml", yaml);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return Json.json().readTree(r.body()).get("id").asText();
  }

  private String apiState(String id) throws Exception {
    return Json.json().readTree(call(ALICE, ALICE_PW, "GET", "/jobs/" + id, null, null).body()).get("state").asText();
  }

  private void awaitApiState(String id, String state) {
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> apiState(id).equals(state));
  }

  private HttpResponse<String> call(String user, String password, String method, String path, String type, String body)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(node.base + path)).timeout(Duration.ofSeconds(30))
        .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
            .getBytes(StandardCharsets.UTF_8)))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (type != null) b.header("Content-Type", type);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
