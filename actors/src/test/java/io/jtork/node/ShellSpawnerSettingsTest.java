package io.jtork.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jtork.runtime.shell.spawner}. */
class ShellSpawnerSettingsTest {
  @TempDir Path dir;

  private NodeSettings read(String more) {
    return NodeSettings.from(ConfigFactory.parseString("jtork.data-dir = \"" + dir + "\"\n" + more)
        .withFallback(ConfigFactory.load()));
  }

  @Test
  void tasksStartThroughTheSpawnerUnlessToldNot() {
    assertThat(read("").shellSpawner()).isTrue();
    assertThat(read("jtork.runtime.shell.spawner = none").shellSpawner()).isFalse();
  }

  @Test
  void anUnknownValueIsRefusedByName() {
    assertThatThrownBy(() -> read("jtork.runtime.shell.spawner = python"))
        .hasMessageContaining("jtork.runtime.shell.spawner").hasMessageContaining("\"python\"")
        .hasMessageContaining("perl or none");
  }
}
