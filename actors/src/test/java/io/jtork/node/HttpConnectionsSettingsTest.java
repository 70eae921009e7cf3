package io.jtork.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jtork.http.max-connections}, {@code idle-timeout}, {@code header-timeout}, {@code management-port}. */
class HttpConnectionsSettingsTest {
  @TempDir Path dir;

  private HttpConnections read(String more) {
    return NodeSettings.from(ConfigFactory.parseString("jtork.data-dir = \"" + dir + "\"\n" + more)
        .withFallback(ConfigFactory.load())).httpConnections();
  }

  @Test
  void defaultsAreInJtorkConf() {
    assertThat(read("")).isEqualTo(new HttpConnections(1024, Duration.ofSeconds(180), Duration.ofSeconds(10), null));
  }

  @Test
  void theManagementPortIsANumberAlsoWhenItComesAsAString() {
    assertThat(read("jtork.http.management-port = \"8081\"").managementPort()).isEqualTo(8081);
    assertThat(read("jtork.http.management-port = 0").managementPort()).isZero();
  }

  @Test
  void badValuesAreRefusedByName() {
    assertThatThrownBy(() -> read("jtork.http.management-port = health"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("jtork.http.management-port")
        .hasMessageContaining("\"health\"");
    assertThatThrownBy(() -> read("jtork.http.management-port = 70000"))
        .hasMessageContaining("jtork.http.management-port");
    assertThatThrownBy(() -> read("jtork.http.max-connections = 0")).hasMessageContaining("jtork.http.max-connections");
    assertThatThrownBy(() -> read("jtork.http.header-timeout = 0s")).hasMessageContaining("jtork.http.header-timeout");
    assertThatThrownBy(() -> read("jtork.http.idle-timeout = -1s")).hasMessageContaining("jtork.http.idle-timeout");
  }
}
