package io.jtork.api;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.jtork.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;

/**
 * Failed sign-ins throttled per address and per username, over real HTTP from several client
 * addresses (each request's socket is bound to its own 127.0.0.x, which the node sees as the
 * peer's address): 429 with Retry-After before any password is hashed, others unaffected, the
 * right password working again after the wait, and no password in the log.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LoginThrottleTest {
  private TestNode node;
  private int port;
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

  @BeforeAll
  void start() throws Exception {
    ((Logger) LoggerFactory.getLogger(LoginThrottle.class)).addAppender(logged);
    logged.start();
    node = TestNode.h2(Map.of("jtork.auth.enabled", true, "jtork.auth.admin.username", "root",
        "jtork.auth.admin.password", "root-admin-pw",
        "jtork.auth.throttle.address.failures", 5, "jtork.auth.throttle.address.per", "25s",
        "jtork.auth.throttle.user.free-failures", 3, "jtork.auth.throttle.user.base-delay", "2s",
        "jtork.auth.throttle.user.max-delay", "4s", "jtork.auth.throttle.hash-queue", 1));
    port = Integer.parseInt(node.base.substring(node.base.lastIndexOf(':') + 1));
    for (String u : List.of("erin", "frank")) {
      assertThat(send("127.0.0.1", "root", "root-admin-pw", "POST", "/users",
          "{\"username\":\"" + u + "\",\"password\":\"" + u + "-password\"}").status).isEqualTo(200);
    }
  }

  @AfterAll
  void stop() throws Exception {
    if (node != null) node.close();
    ((Logger) LoggerFactory.getLogger(LoginThrottle.class)).detachAppender(logged);
  }

  record Answer(int status, Map<String, String> headers, String body, long millis) {
    JsonNode json() throws Exception {
      return Json.json().readTree(body);
    }
  }

  /** One HTTP/1.1 request on a socket bound to {@code from}, the answer read to its end. */
  private Answer send(String from, String user, String password, String method, String path, String json)
      throws Exception {
    long t0 = System.nanoTime();
    try (Socket s = new Socket(InetAddress.getByName("127.0.0.1"), port, InetAddress.getByName(from), 0)) {
      s.setSoTimeout(30_000);
      byte[] body = json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8);
      StringBuilder req = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
      if (user != null) {
        req.append("Authorization: Basic ").append(Base64.getEncoder().encodeToString((user + ":" + password)
            .getBytes(StandardCharsets.UTF_8))).append("\r\n");
      }
      if (json != null) req.append("Content-Type: application/json\r\n");
      req.append("Content-Length: ").append(body.length).append("\r\n\r\n");
      OutputStream out = s.getOutputStream();
      out.write(req.toString().getBytes(StandardCharsets.UTF_8));
      out.write(body);
      out.flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      in.transferTo(all);
      String text = all.toString(StandardCharsets.UTF_8);
      int end = text.indexOf("\r\n\r\n");
      String[] lines = text.substring(0, end).split("\r\n");
      Map<String, String> headers = new java.util.HashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int c = lines[i].indexOf(':');
        headers.put(lines[i].substring(0, c).trim().toLowerCase(Locale.ROOT), lines[i].substring(c + 1).trim());
      }
      return new Answer(Integer.parseInt(lines[0].split(" ")[1]), headers, text.substring(end + 4),
          (System.nanoTime() - t0) / 1_000_000);
    }
  }

  /**
   * Once the {@code Retry-After} of {@code refused} has passed (not before), the right password
   * signs in: tried then, and again every half second until a deadline, on a loaded machine.
   */
  private void awaitSignInAfter(Answer refused, String address, String user, String password) {
    Duration retryAfter = Duration.ofSeconds(Long.parseLong(refused.headers().get("retry-after")));
    org.awaitility.Awaitility.await().pollDelay(retryAfter.plusMillis(200)).pollInterval(Duration.ofMillis(500))
        .atMost(retryAfter.plusSeconds(10)).until(() -> jobs(address, user, password).status() == 200);
  }

  private Answer jobs(String from, String user, String password) throws Exception {
    return send(from, user, password, "GET", "/jobs", null);
  }

  private static void assertThrottled(Answer a) throws Exception {
    assertThat(a.status()).as(a.body()).isEqualTo(429);
    long retry = Long.parseLong(a.headers().get("retry-after"));
    assertThat(retry).isBetween(1L, 5L);
    assertThat(a.json().get("message").asText())
        .matches("too many failed sign-ins from this address or for this user: try again in " + retry
            + " seconds? \\(at \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\\)");
  }

  @Test
  void aUsernameWithTooManyFailuresIsLockedEvenForTheRightPasswordUntilTheDelayPasses() throws Exception {
    // erin has signed in from 127.0.0.4 before: her lock will not hold her there.
    assertThat(jobs("127.0.0.4", "erin", "erin-password").status()).isEqualTo(200);
    for (int i = 0; i < 3; i++) {
      assertThat(jobs("127.0.0.2", "erin", "guess-" + i + "-hunter2").status()).isEqualTo(401);
    }
    Answer locked = jobs("127.0.0.2", "erin", "erin-password");
    assertThrottled(locked);
    assertThrottled(jobs("127.0.0.3", "erin", "erin-password"));
    // Another user from the same addresses, and erin where she signed in before, are not held.
    assertThat(jobs("127.0.0.3", "frank", "frank-password").status()).isEqualTo(200);
    assertThat(jobs("127.0.0.2", "frank", "frank-password").status()).isEqualTo(200);
    assertThat(jobs("127.0.0.4", "erin", "erin-password").status()).isEqualTo(200);
    awaitSignInAfter(locked, "127.0.0.2", "erin", "erin-password");
    // A success cleared the count: one more failure is a 401, not a lock.
    assertThat(jobs("127.0.0.2", "erin", "another-guess").status()).isEqualTo(401);
    assertThat(jobs("127.0.0.2", "erin", "erin-password").status()).isEqualTo(200);

    List<String> lines = logged.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    assertThat(lines).anyMatch(l -> l.equals("user \"erin\" is locked for 2 s after 3 failed sign-ins in a row, the last"
        + " from address 127.0.0.2"));
    assertThat(lines).noneMatch(l -> l.contains("hunter2") || l.contains("erin-password") || l.contains("guess"));
    assertThat(logged.list.stream().filter(e -> e.getFormattedMessage().startsWith("user \"erin\" is locked")))
        .as("one line for the one lock").hasSize(1)
        .allMatch(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN);
  }

  @Test
  void anAddressWithTooManyFailuresIsRefusedAtOnceWithoutHashingAndOthersAreNot() throws Exception {
    List<Long> hashed = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      Answer a = jobs("127.0.0.5", "made-up-" + i, "wrong-hunter2");
      assertThat(a.status()).isEqualTo(401);
      hashed.add(a.millis());
    }
    Answer first = jobs("127.0.0.5", "frank", "frank-password");
    assertThrottled(first);
    List<Long> refused = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      Answer a = jobs("127.0.0.5", "made-up-x" + i, "wrong-hunter2");
      assertThat(a.status()).isEqualTo(429);
      refused.add(a.millis());
    }
    hashed.sort(null);
    refused.sort(null);
    // A refusal costs no hash: 20 of them take less than one verification did.
    assertThat(refused.stream().mapToLong(Long::longValue).sum()).as("20 refusals %s vs hashed %s", refused, hashed)
        .isLessThan(hashed.get(1) * 2);
    assertThat(jobs("127.0.0.6", "frank", "frank-password").status()).isEqualTo(200);
    assertThat(node.get("/health").status()).isEqualTo(200);
    awaitSignInAfter(first, "127.0.0.5", "frank", "frank-password");
    List<String> lines = logged.list.stream().map(ILoggingEvent::getFormattedMessage)
        .filter(l -> l.startsWith("sign-ins from address 127.0.0.5")).toList();
    assertThat(lines).as("one line for the one lock").hasSize(1);
    assertThat(lines.get(0)).matches("sign-ins from address 127\\.0\\.0\\.5 are refused for \\d s after 5 failed"
        + " sign-ins \\(the last refused one for user \"frank\"\\)");
    assertThat(logged.list.stream().map(ILoggingEvent::getFormattedMessage)).noneMatch(l -> l.contains("hunter2"));
  }

  @Test
  void aUsernameThatWouldForgeALogLineIsEscapedInIt() throws Exception {
    for (int i = 0; i < 3; i++) jobs("127.0.0.7", "mallory\nFAKE LINE", "pw-" + i);
    assertThat(logged.list.stream().map(ILoggingEvent::getFormattedMessage)
        .filter(l -> l.startsWith("user \"mallory"))).isNotEmpty()
        .allMatch(l -> l.startsWith("user \"mallory\\u000aFAKE LINE\" is locked") && !l.contains("\n"));
  }

  @Test
  void whenThePasswordHashingPoolIsFullASignInIsAnswered503AtOnce() throws Exception {
    // One hashing thread and one place in its queue: of 12 sign-ins at once (each from its own
    // address, for its own username, so that no throttle holds them), most cannot wait.
    var pool = java.util.concurrent.Executors.newFixedThreadPool(12);
    try {
      List<java.util.concurrent.Future<Answer>> answers = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        String from = "127.0.1." + (10 + i);
        String user = "busy-" + i;
        answers.add(pool.submit(() -> jobs(from, user, "wrong-password")));
      }
      int busy = 0;
      for (var f : answers) {
        Answer a = f.get();
        assertThat(a.status()).as(a.body()).isIn(401, 503);
        if (a.status() == 503) {
          busy++;
          assertThat(a.headers().get("retry-after")).isEqualTo("1");
          assertThat(a.json().get("message").asText())
              .isEqualTo("too many sign-ins are being checked at once: try again in 1 second");
        }
      }
      assertThat(busy).isPositive();
    } finally {
      pool.shutdownNow();
    }
  }
}
