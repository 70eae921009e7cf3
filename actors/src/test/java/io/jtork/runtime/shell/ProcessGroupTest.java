package io.jtork.runtime.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ProcessGroupTest {
  @Test
  void onlyPidsHandedOutSinceTheLeaderAreCandidates() {
    assertTrue(ProcessGroup.handedOutSince(100, 100, 120));
    assertTrue(ProcessGroup.handedOutSince(120, 100, 120));
    assertFalse(ProcessGroup.handedOutSince(99, 100, 120));
    assertFalse(ProcessGroup.handedOutSince(121, 100, 120));
  }

  @Test
  void theRangeWrapsAtPidMax() {
    // leader 32700, the counter wrapped to 300 since
    assertTrue(ProcessGroup.handedOutSince(32760, 32700, 300));
    assertTrue(ProcessGroup.handedOutSince(5, 32700, 300));
    assertFalse(ProcessGroup.handedOutSince(301, 32700, 300));
    assertFalse(ProcessGroup.handedOutSince(32699, 32700, 300));
  }

  @Test
  void aProcessStartTimeIsReadFromProc() {
    long self = ProcessHandle.current().pid();
    long ticks = ProcessGroup.startTicks(self);
    assertTrue(ticks > 0);
    assertEquals(ticks, ProcessGroup.startTicks(self));
    assertEquals(-1, ProcessGroup.startTicks(Integer.MAX_VALUE + 1L));
  }
}
