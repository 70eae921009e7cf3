package io.jtork.api;

import java.util.Map;

/** Read your writes on the embedded H2 database. */
class H2ReadYourWritesTest extends ReadYourWritesContract {
  @Override
  TestNode startNode() throws Exception {
    return TestNode.h2(Map.of());
  }
}
