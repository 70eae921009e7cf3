package io.jtork.cli;

import com.typesafe.config.Config;
import io.jtork.node.NodeConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
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
    warnIfReadableByOthers(config);
    return NodeConfig.load(Optional.ofNullable(config), overrides);
  }

  /**
   * A configuration file holds passwords and keys: one that other users can read, shell tasks
   * (which run as other users) can read too (docs/shell-tasks.md).
   */
  private static void warnIfReadableByOthers(Path file) {
    if (file == null) return;
    try {
      if (Files.getPosixFilePermissions(file).contains(PosixFilePermission.OTHERS_READ)) {
        System.err.println("jtork: warning: " + file + " is readable by other users, and so by shell tasks; chmod 600 it");
      }
    } catch (IOException | UnsupportedOperationException e) {
      // not there (the node says so when it loads it) or no POSIX permissions here
    }
  }
}
