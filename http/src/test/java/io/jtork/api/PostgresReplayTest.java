package io.jtork.api;

import java.util.Map;

/** Rebuilding the read models on a real PostgreSQL (a fresh database, dropped afterwards). */
class PostgresReplayTest extends ReplayContract {
  @Override
  TestNode startNode() throws Exception {
    return TestNode.postgres(Map.of());
  }
}
