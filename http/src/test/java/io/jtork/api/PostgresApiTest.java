package io.jtork.api;

import java.util.Map;

/** The API contract on a real PostgreSQL (a fresh database, dropped afterwards). */
class PostgresApiTest extends ApiContract {
  @Override
  TestNode startNode() throws Exception {
    return TestNode.postgres(Map.of());
  }
}
