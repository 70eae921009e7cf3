package io.jtork.cli;

import com.typesafe.config.Config;
import io.jtork.node.NodeConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Options shared by the commands that need the node's configuration. */
final class NodeOptions {
  @Option(names = "--config", paramLabel = "FILE", description = "A HOCON file with jtork.* settings.")
  Path config;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "Where the H2 database lives (default ./data).")
  Path dataDir;

  @Option(names = "--datastore", paramLabel = "h2|postgres", description = "The database (default h2).")
  String datastore;

  Config load(Map<String, Object> more) {
    Map<String, Object> overrides = new HashMap<>(more);
    if (dataDir != null) overrides.put("jtork.data-dir", dataDir.toString());
    if (datastore != null) overrides.put("jtork.datastore.type", datastore);
    return NodeConfig.load(Optional.ofNullable(config), overrides);
  }
}
