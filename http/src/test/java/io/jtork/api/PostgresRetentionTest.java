package io.jtork.api;

/** Retention on a real PostgreSQL (a fresh database, dropped afterwards). */
class PostgresRetentionTest extends RetentionContract {
  @Override
  TestNode startNode() throws Exception {
    return TestNode.postgres(SETTINGS);
  }
}
