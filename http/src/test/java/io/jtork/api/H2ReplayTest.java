package io.jtork.api;

import java.util.Map;

/** Rebuilding the read models on H2 (a file in a temporary directory). */
class H2ReplayTest extends ReplayContract {
  @Override
  TestNode startNode() throws Exception {
    return TestNode.h2(Map.of());
  }
}
