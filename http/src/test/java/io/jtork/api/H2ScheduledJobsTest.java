package io.jtork.api;

import java.util.Map;

/** Scheduled jobs on the embedded H2 database. */
class H2ScheduledJobsTest extends ScheduledJobsContract {
  @Override
  TestNode startNode() throws Exception {
    return TestNode.h2(Map.of());
  }
}
