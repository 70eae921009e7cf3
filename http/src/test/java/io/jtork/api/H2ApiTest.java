package io.jtork.api;

import java.util.Map;

/** The API contract on the embedded H2 database. */
class H2ApiTest extends ApiContract {
  @Override
  TestNode startNode() throws Exception {
    return TestNode.h2(Map.of());
  }
}
