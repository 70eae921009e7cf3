package io.jtork.api;

import java.util.Map;

/** Read your writes on a real PostgreSQL (a fresh database, dropped afterwards). */
class PostgresReadYourWritesTest extends ReadYourWritesContract {
  @Override
  TestNode startNode() throws Exception {
    return TestNode.postgres(Map.of());
  }
}
