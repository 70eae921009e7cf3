package io.jtork.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** The database of the node a benchmark forks: {@code --datastore h2|postgres} and where PostgreSQL is. */
final class DatastoreOptions {
  @Option(names = "--datastore", defaultValue = "h2", description = "h2 or postgres for the forked node.")
  String datastore;

  @Option(names = "--postgres-url", defaultValue = "jdbc:postgresql://127.0.0.1:5432/")
  String postgresUrl;

  /** A standalone node on that database, with {@code runtime}. */
  BenchNode fork(String runtime) throws Exception {
    return BenchNode.fork(runtime, datastore, postgresUrl);
  }

  /** As above, on {@code dataDir}, with these JVM options too. */
  BenchNode fork(String runtime, Path dataDir, List<String> jvmOptions) throws Exception {
    return BenchNode.fork(runtime, datastore, postgresUrl, dataDir, Map.of(), jvmOptions);
  }

  /**
   * A node started again on the data of {@code killed} (a node killed before): its data directory
   * and, on PostgreSQL, its database, which the new node then owns: its {@code close()} drops it.
   */
  BenchNode restart(String runtime, BenchNode killed) throws Exception {
    return BenchNode.fork(runtime, datastore, postgresUrl, killed.dataDir, Map.of(), List.of(), killed.database);
  }
}
