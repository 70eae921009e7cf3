package io.jtork.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.jtork.sse.SseReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Users, roles, API keys and job permissions on every endpoint, with jtork.auth.enabled. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthTest {
  private TestNode node;

  @BeforeAll
  void start() throws Exception {
    // The throttle is LoginThrottleTest's: here every request comes from one address, and some
    // tests fail on purpose more often than the default throttle allows.
    node = TestNode.h2(Map.of("jtork.auth.enabled", true, "jtork.auth.admin.username", "alice",
        "jtork.auth.admin.password", "alice-admin-pw", "jtork.auth.throttle.address.failures", 1000,
        "jtork.auth.throttle.user.free-failures", 1000));
    assertThat(as("alice", "alice-admin-pw", "POST", "/roles", "{\"slug\":\"ops\",\"name\":\"Operations\"}").status())
        .isEqualTo(200);
    for (String u : List.of("bob", "carol")) {
      assertThat(as("alice", "alice-admin-pw", "POST", "/users",
          "{\"username\":\"" + u + "\",\"password\":\"" + u + "-password\"}").status()).isEqualTo(200);
    }
    assertThat(as("alice", "alice-admin-pw", "POST", "/users/carol/roles", "{\"role\":\"ops\"}").status())
        .isEqualTo(200);
  }

  @AfterAll
  void stop() throws Exception {
    if (node != null) node.close();
  }

  private TestNode.Response as(String user, String password, String method, String path, String json) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(node.base + path)).timeout(Duration.ofSeconds(30));
    if (user != null) {
      b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
          .getBytes(StandardCharsets.UTF_8)));
    }
    if (json != null) b.header("Content-Type", json.startsWith("{") ? "application/json" : "text/yaml");
    b.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
    return node.send(b.build());
  }

  private String submitAs(String user, String password, String yaml) {
    TestNode.Response r = as(user, password, "POST", "/jobs", yaml);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json().get("id").asText();
  }

  @Test
  void everyJobEndpointHidesAJobFromThoseWithoutPermission() throws Exception {
    String restricted = submitAs("alice", "alice-admin-pw", """
        name: ops only
        permissions: [{role: ops}]
        tasks:
        - name: long
          run: sleep 60
        """);
    String open = submitAs("bob", "bob-password", "name: for everyone\ntasks:\n- name: t\n  run: echo hi\n");
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> {
      JsonNode j = as("alice", "alice-admin-pw", "GET", "/jobs/" + restricted, null).json();
      return j.at("/execution/0/state").asText().equals("RUNNING");
    });
    String task = as("alice", "alice-admin-pw", "GET", "/jobs/" + restricted, null).json().at("/execution/0/id").asText();
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
        as("alice", "alice-admin-pw", "GET", "/tasks/" + task, null).status() == 200
            && as("alice", "alice-admin-pw", "GET", "/jobs?q=ops", null).body().contains(restricted));

    List<String> reads = List.of("/jobs/" + restricted, "/jobs/" + restricted + "/log", "/jobs/" + restricted + "/events",
        "/tasks/" + task, "/tasks/" + task + "/log");
    for (String path : reads) {
      TestNode.Response bob = as("bob", "bob-password", "GET", path, null);
      assertThat(bob.status()).as("bob " + path).isEqualTo(404);
      assertThat(bob.body()).as("bob " + path).doesNotContain("ops only");
      assertThat(as("carol", "carol-password", "GET", path, null).status()).as("carol " + path).isEqualTo(200);
      assertThat(as("alice", "alice-admin-pw", "GET", path, null).status()).as("alice " + path).isEqualTo(200);
    }
    assertThat(as("bob", "bob-password", "PUT", "/jobs/" + restricted + "/cancel", null).status()).isEqualTo(404);
    assertThat(as("bob", "bob-password", "GET", "/jobs?size=20", null).body()).doesNotContain(restricted).contains(open);
    assertThat(as("carol", "carol-password", "GET", "/jobs?size=20", null).body()).contains(restricted).contains(open);
    assertThat(as("carol", "carol-password", "PUT", "/jobs/" + restricted + "/cancel", null).status()).isEqualTo(200);
    assertThat(as("bob", "bob-password", "PUT", "/jobs/" + restricted + "/restart", null).status()).isEqualTo(404);
    assertThat(as("carol", "carol-password", "PUT", "/jobs/" + restricted + "/restart", null).status()).isEqualTo(200);
    assertThat(as("carol", "carol-password", "PUT", "/jobs/" + restricted + "/cancel", null).status()).isEqualTo(200);

    JsonNode job = as("alice", "alice-admin-pw", "GET", "/jobs/" + restricted, null).json();
    assertThat(job.at("/createdBy/username").asText()).isEqualTo("alice");
    assertThat(as("bob", "bob-password", "GET", "/jobs/" + open, null).json().at("/createdBy/username").asText())
        .isEqualTo("bob");
    String history = as("alice", "alice-admin-pw", "GET", "/jobs/" + restricted + "/events", null).body();
    assertThat(history).contains("\"by\":\"carol\"");
  }

  @Test
  void streamsNeedCredentialsAndShowOnlyTheJobsTheCallerMaySee() throws Exception {
    String restricted = submitAs("alice", "alice-admin-pw",
        "name: ops stream\npermissions: [{role: ops}]\ntasks:\n- name: t\n  run: echo ops-only-line; sleep 1\n");
    // Without credentials, a 401; without permission, the job does not exist.
    for (String path : List.of("/jobs/" + restricted + "/log/stream", "/jobs/" + restricted + "/events/stream",
        "/events/stream")) {
      try (SseReader r = SseReader.open(node.base + path, Map.of())) {
        assertThat(r.status).as(path).isEqualTo(401);
      }
    }
    for (String path : List.of("/jobs/" + restricted + "/log/stream", "/jobs/" + restricted + "/events/stream")) {
      try (SseReader r = SseReader.open(node.base + path, basic("bob", "bob-password"))) {
        assertThat(r.status).as(path).isEqualTo(404);
      }
      try (SseReader r = SseReader.open(node.base + path, basic("carol", "carol-password"))) {
        assertThat(r.status).as(path).isEqualTo(200);
        assertThat(r.untilClosed(Duration.ofSeconds(20))).extracting(SseReader.Event::type).last().isEqualTo("end");
      }
    }
    // Every job's changes: bob sees his own job, never the ops one; carol sees both.
    try (SseReader bob = SseReader.open(node.base + "/events/stream", basic("bob", "bob-password"));
        SseReader carol = SseReader.open(node.base + "/events/stream", basic("carol", "carol-password"))) {
      String ops = submitAs("alice", "alice-admin-pw",
          "name: ops again\npermissions: [{role: ops}]\ntasks:\n- name: t\n  run: echo x\n");
      String own = submitAs("bob", "bob-password", "name: bobs\ntasks:\n- name: t\n  run: sleep 0.5\n");
      List<String> bobSaw = jobsUntilCompleted(bob, own);
      List<String> carolSaw = jobsUntilCompleted(carol, own);
      assertThat(bobSaw).contains(own).doesNotContain(ops);
      assertThat(carolSaw).contains(own, ops);
    }
  }

  /** The ids of the jobs a {@code /events/stream} sent until {@code id} completed. */
  private static List<String> jobsUntilCompleted(SseReader r, String id) throws Exception {
    List<String> ids = new ArrayList<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      SseReader.Event e = r.next(Duration.ofSeconds(20));
      assertThat(e).as("a change within 20 s").isNotNull();
      JsonNode j = io.jtork.json.Json.json().readTree(e.data());
      ids.add(j.path("id").asText());
      if (j.path("id").asText().equals(id) && j.path("state").asText().equals("COMPLETED")) return ids;
    }
    throw new AssertionError("job " + id + " did not complete within 30 s; saw " + ids);
  }

  private static Map<String, String> basic(String user, String password) {
    return Map.of("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
        .getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void scheduledJobEndpointsHideAScheduleFromThoseWithoutPermission() {
    TestNode.Response created = as("alice", "alice-admin-pw", "POST", "/scheduled-jobs",
        "name: ops schedule\npermissions: [{role: ops}]\nschedule: {cron: \"0 0 1 1 *\"}\ntasks:\n- name: t\n  run: echo\n");
    assertThat(created.status()).as(created.body()).isEqualTo(200);
    String id = created.json().get("id").asText();
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
        as("carol", "carol-password", "GET", "/scheduled-jobs?size=20", null).body().contains(id));
    assertThat(as("bob", "bob-password", "GET", "/scheduled-jobs?size=20", null).body()).doesNotContain(id);
    for (String[] call : List.of(new String[] {"GET", "/scheduled-jobs/" + id},
        new String[] {"GET", "/scheduled-jobs/" + id + "/events"}, new String[] {"PUT", "/scheduled-jobs/" + id + "/pause"},
        new String[] {"PUT", "/scheduled-jobs/" + id + "/resume"}, new String[] {"DELETE", "/scheduled-jobs/" + id})) {
      assertThat(as("bob", "bob-password", call[0], call[1], null).status()).as("bob " + call[1]).isEqualTo(404);
    }
    assertThat(as("carol", "carol-password", "GET", "/scheduled-jobs/" + id, null).status()).isEqualTo(200);
    assertThat(as("carol", "carol-password", "GET", "/scheduled-jobs/" + id + "/events", null).status()).isEqualTo(200);
    assertThat(as("carol", "carol-password", "PUT", "/scheduled-jobs/" + id + "/pause", null).status()).isEqualTo(200);
    assertThat(as("carol", "carol-password", "PUT", "/scheduled-jobs/" + id + "/resume", null).status()).isEqualTo(200);
    assertThat(as("carol", "carol-password", "DELETE", "/scheduled-jobs/" + id, null).status()).isEqualTo(200);
    TestNode.Response bad = as("alice", "alice-admin-pw", "POST", "/scheduled-jobs",
        "name: s\npermissions: [{user: zed}]\nschedule: {cron: \"@daily\"}\ntasks:\n- name: t\n");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.json().get("message").asText())
        .isEqualTo("invalid scheduled job: permissions[0].user: user \"zed\" does not exist");
  }

  @Test
  void aSubjobInheritsItsParentsPermissions() {
    String parent = submitAs("alice", "alice-admin-pw",
        "name: parent with child\npermissions: [{role: ops}]\ntasks:\n- name: sub\n  subjob:\n    name: inheritedchild\n"
            + "    tasks:\n    - name: c\n      run: echo child\n");
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() ->
        as("alice", "alice-admin-pw", "GET", "/jobs/" + parent, null).json().path("state").asText().equals("COMPLETED"));
    JsonNode[] found = new JsonNode[1];
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
      found[0] = as("alice", "alice-admin-pw", "GET", "/jobs?q=inheritedchild", null).json().path("items").path(0);
      return found[0].has("id");
    });
    String child = found[0].get("id").asText();
    assertThat(found[0].get("parentId").asText()).isNotBlank();
    assertThat(as("bob", "bob-password", "GET", "/jobs/" + child, null).status()).isEqualTo(404);
    assertThat(as("bob", "bob-password", "GET", "/jobs?q=inheritedchild", null).json().get("totalItems").asInt()).isZero();
    assertThat(as("carol", "carol-password", "GET", "/jobs/" + child, null).status()).isEqualTo(200);
  }

  @Test
  void withoutOrWithWrongCredentialsIs401AndUnknownUsersTakeAsLong() {
    TestNode.Response none = as(null, null, "GET", "/jobs", null);
    assertThat(none.status()).isEqualTo(401);
    assertThat(none.json().get("message").asText()).startsWith("authentication required");
    assertThat(as("bob", "wrong-password", "GET", "/jobs", null).status()).isEqualTo(401);
    assertThat(as("nobody", "whatever-pw", "GET", "/jobs", null).json().get("message").asText())
        .isEqualTo("invalid credentials");
    assertThat(node.get("/health").status()).isEqualTo(200);
    // A wrong password for a real user and any password for an unknown one cost one slow hash each.
    List<Long> real = new ArrayList<>();
    List<Long> unknown = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      long t0 = System.nanoTime();
      as("bob", "wrong-" + i, "GET", "/jobs", null);
      real.add(System.nanoTime() - t0);
      t0 = System.nanoTime();
      as("nobody" + i, "wrong-" + i, "GET", "/jobs", null);
      unknown.add(System.nanoTime() - t0);
    }
    real.sort(null);
    unknown.sort(null);
    long a = real.get(3);
    long b = unknown.get(3);
    assertThat(Math.abs(a - b)).as("median %d ms vs %d ms", a / 1_000_000, b / 1_000_000)
        .isLessThan(Math.max(a, b) / 2);
  }

  @Test
  void apiKeysAuthenticateAsTheirUser() {
    TestNode.Response key = as("carol", "carol-password", "POST", "/users/me/keys", null);
    assertThat(key.status()).isEqualTo(200);
    String k = key.json().get("key").asText();
    TestNode.Response r = node.send(HttpRequest.newBuilder(URI.create(node.base + "/jobs"))
        .header("Authorization", "Bearer " + k).header("Content-Type", "text/yaml")
        .POST(HttpRequest.BodyPublishers.ofString("name: by key\ntasks:\n- name: t\n  run: echo\n")).build());
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().at("/createdBy/username").asText()).isEqualTo("carol");
    assertThat(node.send(HttpRequest.newBuilder(URI.create(node.base + "/jobs"))
        .header("Authorization", "Bearer jtk_not-a-key").GET().build()).status()).isEqualTo(401);
  }

  @Test
  void administratorsListUsersAndRolesAndEachUserTheirOwnKeys() {
    TestNode.Response users = as("alice", "alice-admin-pw", "GET", "/users?size=100", null);
    assertThat(users.status()).as(users.body()).isEqualTo(200);
    JsonNode carol = null;
    for (JsonNode u : users.json().get("items")) if (u.get("username").asText().equals("carol")) carol = u;
    assertThat(carol).as(users.body()).isNotNull();
    assertThat(carol.get("roles").toString()).isEqualTo("[\"ops\"]");
    assertThat(carol.get("admin").asBoolean()).isFalse();
    // No password hash, under any name.
    assertThat(users.body()).doesNotContainIgnoringCase("password").doesNotContain("pbkdf2");
    TestNode.Response roles = as("alice", "alice-admin-pw", "GET", "/roles", null);
    assertThat(roles.status()).isEqualTo(200);
    assertThat(roles.json().at("/items/0/slug").asText()).isEqualTo("ops");
    assertThat(roles.json().at("/items/0/name").asText()).isEqualTo("Operations");
    assertThat(roles.json().at("/items/0/users").asInt()).isEqualTo(1);
    assertThat(as("bob", "bob-password", "GET", "/users", null).status()).isEqualTo(403);
    assertThat(as("bob", "bob-password", "GET", "/roles", null).status()).isEqualTo(403);
    TestNode.Response badPage = as("alice", "alice-admin-pw", "GET", "/users?page=x", null);
    assertThat(badPage.status()).isEqualTo(400);
    assertThat(badPage.json().get("message").asText()).contains("page");

    String key = as("bob", "bob-password", "POST", "/users/me/keys", null).json().get("key").asText();
    TestNode.Response keys = as("bob", "bob-password", "GET", "/users/me/keys", null);
    assertThat(keys.status()).isEqualTo(200);
    assertThat(keys.body()).doesNotContain(key).doesNotContain(key.substring(4, 20));
    assertThat(keys.json().size()).isGreaterThanOrEqualTo(1);
    assertThat(keys.json().get(0).get("fingerprint").asText()).matches("[0-9a-f]{8}");
    assertThat(as("alice", "alice-admin-pw", "GET", "/users/me/keys", null).body()).doesNotContain(
        keys.json().get(0).get("fingerprint").asText());
  }

  @Test
  void userFieldsAreNotCoerced() {
    TestNode.Response yes = as("alice", "alice-admin-pw", "POST", "/users",
        "{\"username\":\"dave\",\"password\":\"dave-password\",\"admin\":\"yes\"}");
    assertThat(yes.status()).isEqualTo(400);
    assertThat(yes.json().get("message").asText()).isEqualTo("admin: expected true or false, got \"yes\"");
    TestNode.Response number = as("alice", "alice-admin-pw", "POST", "/users",
        "{\"username\":\"dave\",\"password\":\"dave-password\",\"name\":123}");
    assertThat(number.status()).isEqualTo(400);
    assertThat(number.json().get("message").asText()).isEqualTo("name: expected a string, got 123");
    assertThat(as("dave", "dave-password", "GET", "/jobs", null).status()).as("no user was created").isEqualTo(401);
  }

  @Test
  void badInputIsA400AndChangesNothing() {
    TestNode.Response dup = as("alice", "alice-admin-pw", "POST", "/users", "{\"username\":\"bob\",\"password\":\"another-pw\"}");
    assertThat(dup.status()).isEqualTo(400);
    assertThat(dup.json().get("message").asText()).isEqualTo("user \"bob\" already exists");
    assertThat(as("bob", "bob-password", "GET", "/jobs", null).status()).as("bob's password is unchanged").isEqualTo(200);
    TestNode.Response role = as("alice", "alice-admin-pw", "POST", "/users/bob/roles", "{\"role\":\"nope\"}");
    assertThat(role.status()).isEqualTo(400);
    assertThat(role.json().get("message").asText()).isEqualTo("role \"nope\" does not exist");
    TestNode.Response perms = as("alice", "alice-admin-pw", "POST", "/jobs",
        "name: bad perms\npermissions: [{user: zed}, {role: ghosts}]\ntasks:\n- name: t\n  run: echo\n");
    assertThat(perms.status()).isEqualTo(400);
    assertThat(perms.json().get("message").asText()).isEqualTo("invalid job: permissions[0].user: user \"zed\" does not"
        + " exist; permissions[1].role: role \"ghosts\" does not exist");
    assertThat(as("alice", "alice-admin-pw", "GET", "/jobs?q=perms", null).json().get("totalItems").asInt()).isZero();
    TestNode.Response notAdmin = as("bob", "bob-password", "POST", "/users", "{\"username\":\"eve\",\"password\":\"eve-password\"}");
    assertThat(notAdmin.status()).isEqualTo(403);
    TestNode.Response replay = as("bob", "bob-password", "POST", "/admin/replay", null);
    assertThat(replay.status()).isEqualTo(403);
    assertThat(replay.json().get("message").asText()).isEqualTo("only administrators may do this");
    assertThat(as("bob", "bob-password", "GET", "/admin/replay", null).status()).isEqualTo(403);
    assertThat(as("eve", "eve-password", "GET", "/jobs", null).status()).isEqualTo(401);
  }

  private String refusal(String path, String json) {
    TestNode.Response r = as("alice", "alice-admin-pw", "POST", path, json);
    assertThat(r.status()).as(path + " " + json + " -> " + r.body()).isEqualTo(400);
    return r.json().get("message").asText();
  }

  private static String user(String usernameJson) {
    return "{\"username\":" + usernameJson + ",\"password\":\"a-long-password\"}";
  }

  @Test
  void usernamesFollowTheRulesEachRefusalNamingTheFieldAndTheRule() {
    assertThat(refusal("/users", user("\"evil\\r\\nSet-Cookie: x=1\"")))
        .isEqualTo("username: control characters are not allowed (found U+000D at position 4)");
    assertThat(refusal("/users", user("\"a\\u0000b\"")))
        .isEqualTo("username: control characters are not allowed (found U+0000 at position 1)");
    assertThat(refusal("/users", user("\"<script>alert(1)</script>\"")))
        .isEqualTo("username: only letters, digits, '.', '_', '-' and '@' are allowed (found '<')");
    assertThat(refusal("/users", user("\"two words\"")))
        .isEqualTo("username: only letters, digits, '.', '_', '-' and '@' are allowed (found a space)");
    assertThat(refusal("/users", user("\"caf\u00e9\"")))
        .isEqualTo("username: only letters, digits, '.', '_', '-' and '@' are allowed (found U+00E9)");
    assertThat(refusal("/users", user("\"" + "x".repeat(10_000) + "\"")))
        .isEqualTo("username: at most 64 characters (got 10000)");
    assertThat(refusal("/users", user("\".hidden\"")))
        .isEqualTo("username: must start with a letter or a digit (got \".hidden\")");
    assertThat(refusal("/users", user("\"   \""))).isEqualTo("username: required");
    assertThat(refusal("/users", "{\"password\":\"a-long-password\"}")).isEqualTo("username: required");
    assertThat(refusal("/users", user("\"ALICE\""))).isEqualTo("username: \"ALICE\" is taken by the user \"alice\""
        + " (usernames are unique without regard to case)");
    // Spaces around a name are trimmed: " alice" is alice, who exists; " dave " is made as dave.
    assertThat(refusal("/users", user("\" alice\""))).isEqualTo("user \"alice\" already exists");
    assertThat(refusal("/users", user("\"alice \""))).isEqualTo("user \"alice\" already exists");
    TestNode.Response dave = as("alice", "alice-admin-pw", "POST", "/users", user("\" dave.o-k_1@example.com \""));
    assertThat(dave.status()).as(dave.body()).isEqualTo(200);
    assertThat(dave.json().get("username").asText()).isEqualTo("dave.o-k_1@example.com");
    assertThat(as("dave.o-k_1@example.com", "a-long-password", "GET", "/jobs", null).status()).isEqualTo(200);
    assertThat(refusal("/users", user("\"x".repeat(1) + "y".repeat(64) + "\"")))
        .isEqualTo("username: at most 64 characters (got 65)");
    assertThat(as("alice", "alice-admin-pw", "POST", "/users", user("\"" + "y".repeat(64) + "\"")).status())
        .isEqualTo(200);
  }

  @Test
  void roleSlugsAndTheNamesInARoleAssignmentFollowTheRules() {
    assertThat(refusal("/roles", "{\"slug\":\"Ops\"}"))
        .isEqualTo("slug: only lower-case letters, digits, '.', '_' and '-' are allowed (found 'O')");
    assertThat(refusal("/roles", "{\"slug\":\"qa\\nx\"}"))
        .isEqualTo("slug: control characters are not allowed (found U+000A at position 2)");
    assertThat(refusal("/roles", "{\"slug\":\"" + "r".repeat(65) + "\"}")).isEqualTo("slug: at most 64 characters (got 65)");
    assertThat(refusal("/roles", "{\"slug\":\"-qa\"}")).isEqualTo("slug: must start with a letter or a digit (got \"-qa\")");
    assertThat(refusal("/roles", "{}")).isEqualTo("slug: required");
    assertThat(refusal("/roles", "{\"slug\":\" ops \"}")).isEqualTo("role \"ops\" already exists");
    TestNode.Response qa = as("alice", "alice-admin-pw", "POST", "/roles", "{\"slug\":\" qa \"}");
    assertThat(qa.status()).as(qa.body()).isEqualTo(200);
    assertThat(qa.json().get("slug").asText()).isEqualTo("qa");

    assertThat(refusal("/users/bob%0D%0ASet-Cookie:x/roles", "{\"role\":\"qa\"}"))
        .isEqualTo("username: control characters are not allowed (found U+000D at position 3)");
    assertThat(refusal("/users/%3Cb%3E/roles", "{\"role\":\"qa\"}"))
        .isEqualTo("username: only letters, digits, '.', '_', '-' and '@' are allowed (found '<')");
    assertThat(refusal("/users/bob/roles", "{\"role\":\"QA\"}"))
        .isEqualTo("role: only lower-case letters, digits, '.', '_' and '-' are allowed (found 'Q')");
    assertThat(refusal("/users/bob/roles", "{}")).isEqualTo("role: required");
    assertThat(as("alice", "alice-admin-pw", "POST", "/users/%20bob%20/roles", "{\"role\":\" qa \"}").status())
        .isEqualTo(200);
  }
}
