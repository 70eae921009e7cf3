package io.jtork.api;

import java.util.Map;

/** Scheduled jobs on a real PostgreSQL (a fresh database, dropped afterwards). */
class PostgresScheduledJobsTest extends ScheduledJobsContract {
  @Override
  TestNode startNode() throws Exception {
    return TestNode.postgres(Map.of());
  }
}
