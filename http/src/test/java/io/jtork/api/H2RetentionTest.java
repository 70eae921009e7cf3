package io.jtork.api;

/** Retention on the embedded H2 database. */
class H2RetentionTest extends RetentionContract {
  @Override
  TestNode startNode() throws Exception {
    return TestNode.h2(SETTINGS);
  }
}
