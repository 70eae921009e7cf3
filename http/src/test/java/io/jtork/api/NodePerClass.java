package io.jtork.api;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * A contract whose tests share one node, started before the first and closed after the last;
 * each subclass chooses the database (and settings) in {@link #startNode}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class NodePerClass {
  TestNode node;

  abstract TestNode startNode() throws Exception;

  @BeforeAll
  void start() throws Exception {
    node = startNode();
  }

  @AfterAll
  void stop() throws Exception {
    if (node != null) node.close();
  }
}
