package io.jtork.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Loads a node's configuration. Highest first: JVM system properties, command-line options,
 * the file given with {@code --config}, environment variables (through {@code ${?JTORK_...}}
 * in conf/), then the defaults in conf/ and the libraries' reference.conf.
 */
public final class NodeConfig {
  private NodeConfig() {}

  public static Config load(Optional<Path> file, Map<String, ?> overrides) {
    ConfigFactory.invalidateCaches();
    Config fromFile = ConfigFactory.empty();
    if (file.isPresent()) {
      if (!Files.isRegularFile(file.get())) {
        throw new IllegalArgumentException("configuration file " + file.get() + " does not exist");
      }
      fromFile = ConfigFactory.parseFile(file.get().toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
    }
    return ConfigFactory.systemProperties()
        .withFallback(ConfigFactory.parseMap(overrides, "command line"))
        .withFallback(fromFile)
        .withFallback(ConfigFactory.defaultApplication())
        .withFallback(ConfigFactory.defaultReference())
        .resolve();
  }
}
