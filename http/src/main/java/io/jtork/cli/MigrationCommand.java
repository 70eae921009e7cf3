package io.jtork.cli;

import io.jtork.node.NodeSettings;
import io.jtork.store.DatabaseSettings;
import io.jtork.store.Migrations;
import java.nio.file.Files;
import java.util.Map;
import java.util.concurrent.Callable;
import org.flywaydb.core.api.output.MigrateResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code jtork migration}: applies the schema migrations and exits. Nodes also do this at start-up. */
@Command(name = "migration", mixinStandardHelpOptions = true, description = "Create or upgrade the database schema.")
final class MigrationCommand implements Callable<Integer> {
  @Mixin NodeOptions node;

  @Override
  public Integer call() throws Exception {
    NodeSettings s = NodeSettings.from(node.load(Map.of()));
    if (s.database().kind() == DatabaseSettings.Kind.H2) Files.createDirectories(s.dataDir());
    MigrateResult result;
    try {
      result = Migrations.migrate(s.database());
    } catch (IllegalStateException e) {
      System.err.println("jtork: " + e.getMessage());
      return 1;
    }
    System.out.println("schema at " + s.database().displayUrl() + " is at version "
        + (result.targetSchemaVersion == null ? "(unchanged)" : result.targetSchemaVersion) + "; "
        + result.migrationsExecuted + " migration(s) applied");
    return 0;
  }
}
