package io.jtork.api;

/** The live streams on PostgreSQL. */
class PostgresLiveStreamsTest extends LiveStreamsContract {
  @Override
  TestNode startNode() throws Exception {
    return TestNode.postgres(SETTINGS);
  }
}
