package io.jtork.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The API's connection limits on real sockets (docs/connections.md): with every one of
 * {@code jtork.http.max-connections} taken, the management port still answers {@code /health} at
 * once; a request head trickled in more slowly than {@code header-timeout} gets the connection
 * closed; an idle kept-alive connection is closed after {@code idle-timeout}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConnectionLimitsTest {
  private static final int MAX_CONNECTIONS = 20;
  private static final Duration HEADER_TIMEOUT = Duration.ofSeconds(4);
  private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(5);
  private static final String HEALTH = "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n";

  private TestNode node;
  private int apiPort;
  private int managementPort;

  @BeforeAll
  void start() throws Exception {
    node = TestNode.h2(Map.of("jtork.http.max-connections", MAX_CONNECTIONS,
        "jtork.http.header-timeout", HEADER_TIMEOUT.toSeconds() + "s",
        "jtork.http.idle-timeout", IDLE_TIMEOUT.toSeconds() + "s",
        "jtork.http.management-port", 0));
    apiPort = node.api.port();
    managementPort = node.api.managementPort().orElseThrow();
    assertThat(managementPort).isNotEqualTo(apiPort);
  }

  @AfterAll
  void stop() throws Exception {
    if (node != null) node.close();
  }

  @Test
  void healthAnswersOnTheManagementPortWhileEveryApiConnectionIsTaken() throws Exception {
    try (Socket warm = new Socket("127.0.0.1", managementPort)) {
      assertThat(exchange(warm, HEALTH, Duration.ofSeconds(10))).startsWith("HTTP/1.1 200");
      // The management port serves /health and nothing else.
      assertThat(exchange(warm, "GET /jobs HTTP/1.1\r\nHost: localhost\r\n\r\n", Duration.ofSeconds(10)))
          .startsWith("HTTP/1.1 404");
    }
    List<Socket> idle = new ArrayList<>();
    try {
      // Each connection is served once, so the server has accepted it, then kept open and idle.
      for (int i = 0; i < MAX_CONNECTIONS; i++) {
        Socket s = new Socket("127.0.0.1", apiPort);
        idle.add(s);
        assertThat(exchange(s, HEALTH, Duration.ofSeconds(10))).startsWith("HTTP/1.1 200");
      }
      // One more connection on the API port is not served while the others are open...
      Socket extra = new Socket("127.0.0.1", apiPort);
      idle.add(extra);
      extra.getOutputStream().write(HEALTH.getBytes(StandardCharsets.US_ASCII));
      extra.setSoTimeout(1000);
      assertThatThrownBy(() -> extra.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
      // ...but the management port answers /health at once.
      long t0 = System.nanoTime();
      try (Socket health = new Socket("127.0.0.1", managementPort)) {
        String answer = exchange(health, HEALTH, Duration.ofSeconds(1));
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(answer).startsWith("HTTP/1.1 200").contains("\"status\":\"UP\"");
        assertThat(took).isLessThan(Duration.ofSeconds(1));
      }
      // `jtork health --endpoint` pointed at it says UP (the JDK's HTTP client starts slowly on a
      // loaded machine: not timed), with or without /health in the URL.
      var cli = new picocli.CommandLine(new io.jtork.cli.JtorkCommand());
      assertThat(cli.execute("health", "--endpoint", "http://127.0.0.1:" + managementPort)).isZero();
      assertThat(cli.execute("health", "--endpoint", "http://127.0.0.1:" + managementPort + "/health/"))
          .isZero();
      // The API port itself serves the extra connection once the others are gone.
      for (Socket s : idle.subList(0, MAX_CONNECTIONS)) s.close();
      assertThat(readAnswer(extra, Duration.ofSeconds(5))).startsWith("HTTP/1.1 200");
    } finally {
      for (Socket s : idle) s.close();
    }
  }

  @Test
  void aRequestHeadTrickledInMoreSlowlyThanTheHeaderTimeoutGetsTheConnectionClosed() throws Exception {
    byte[] head = HEALTH.getBytes(StandardCharsets.US_ASCII);
    try (Socket slow = new Socket("127.0.0.1", apiPort)) {
      long t0 = System.nanoTime();
      Thread writer = new Thread(() -> {
        try {
          OutputStream out = slow.getOutputStream();
          // One byte every 500 ms: the whole head would take 20 s; the idle timeout (5 s) never fires.
          for (byte b : head) {
            out.write(b);
            out.flush();
            Thread.sleep(500);
          }
        } catch (IOException | InterruptedException e) {
          // closed by the server: expected
        }
      });
      writer.setDaemon(true);
      writer.start();
      StringBuilder received = new StringBuilder();
      Duration closedAfter = awaitClose(slow, t0, Duration.ofSeconds(15), received);
      assertThat(closedAfter).isBetween(HEADER_TIMEOUT.minusMillis(300), HEADER_TIMEOUT.plusSeconds(2));
      assertThat(received).as("closed without an answer").isEmpty();
      writer.interrupt();
    }
  }

  @Test
  void anIdleConnectionIsClosedAfterTheIdleTimeout() throws Exception {
    try (Socket kept = new Socket("127.0.0.1", apiPort)) {
      assertThat(exchange(kept, HEALTH, Duration.ofSeconds(10))).startsWith("HTTP/1.1 200");
      long t0 = System.nanoTime();
      Duration closedAfter = awaitClose(kept, t0, Duration.ofSeconds(15), new StringBuilder());
      assertThat(closedAfter).isBetween(IDLE_TIMEOUT.minusMillis(300), IDLE_TIMEOUT.plusSeconds(2));
    }
  }

  @Test
  void aConnectionThatSendsItsHeadInTimeIsServedAndKeptAlive() throws Exception {
    try (Socket s = new Socket("127.0.0.1", apiPort)) {
      Thread.sleep(HEADER_TIMEOUT.toMillis() / 2);
      assertThat(exchange(s, HEALTH, Duration.ofSeconds(10))).startsWith("HTTP/1.1 200");
      Thread.sleep(HEADER_TIMEOUT.toMillis() / 2 + 500); // past the header timeout, within the idle timeout
      assertThat(exchange(s, HEALTH, Duration.ofSeconds(10))).startsWith("HTTP/1.1 200");
    }
  }

  /** Sends {@code request} and reads one answer (head and Content-Length body). */
  private static String exchange(Socket s, String request, Duration timeout) throws IOException {
    s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
    s.getOutputStream().flush();
    return readAnswer(s, timeout);
  }

  private static String readAnswer(Socket s, Duration timeout) throws IOException {
    s.setSoTimeout((int) timeout.toMillis());
    InputStream in = s.getInputStream();
    StringBuilder text = new StringBuilder();
    int headEnd = -1;
    int length = -1;
    while (true) {
      int c = in.read();
      if (c < 0) throw new IOException("closed after: " + text);
      text.append((char) c);
      if (headEnd < 0 && text.length() >= 4 && text.substring(text.length() - 4).equals("\r\n\r\n")) {
        headEnd = text.length();
        for (String line : text.toString().split("\r\n")) {
          if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
            length = Integer.parseInt(line.substring(15).trim());
          }
        }
        if (length <= 0) return text.toString();
      }
      if (headEnd >= 0 && text.length() - headEnd >= length) return text.toString();
    }
  }

  /** How long after {@code t0} the server closed {@code s} (end of stream or reset); what it sent meanwhile. */
  private static Duration awaitClose(Socket s, long t0, Duration atMost, StringBuilder received) throws IOException {
    s.setSoTimeout((int) atMost.toMillis());
    try {
      for (int c = s.getInputStream().read(); c >= 0; c = s.getInputStream().read()) received.append((char) c);
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the server did not close the connection within " + atMost);
    } catch (IOException reset) {
      // closed by the server with a reset: closed all the same
    }
    return Duration.ofNanos(System.nanoTime() - t0);
  }
}
