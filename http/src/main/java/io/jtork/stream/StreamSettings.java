package io.jtork.stream;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * {@code jtork.streams.*}: how often the node looks for new journal events and log parts while a
 * stream is open, how long it waits for a row that is being written, the heartbeat, how long a
 * log stream waits for late parts after its job ended, and how many events a slow client may lag.
 */
public record StreamSettings(Duration pollInterval, Duration gapTimeout, Duration heartbeat, Duration logEndGrace,
    int buffer) {
  public static StreamSettings from(Config config) {
    Config c = config.getConfig("jtork.streams");
    return new StreamSettings(c.getDuration("poll-interval"), c.getDuration("gap-timeout"),
        c.getDuration("heartbeat"), c.getDuration("log-end-grace"), c.getInt("buffer"));
  }
}
