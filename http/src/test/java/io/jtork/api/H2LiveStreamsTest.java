package io.jtork.api;

/** The live streams on the embedded H2 database. */
class H2LiveStreamsTest extends LiveStreamsContract {
  @Override
  TestNode startNode() throws Exception {
    return TestNode.h2(SETTINGS);
  }
}
