package io.jtork.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.jtork.model.Job;
import io.jtork.model.JobState;
import io.jtork.model.TaskState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When a job entity snapshots ({@link JobEntity#snapshotDue}), and on a real node and its H2
 * journal: only the two newest snapshots are kept, the newest taken when the job ended, and the
 * job recovers from them.
 */
class JobEntitySnapshotTest {
  @TempDir Path dir;

  @Test
  void whenASnapshotIsDue() {
    // a small job: every snapshot-every events
    assertThat(SnapshotPolicy.snapshotDue(100, 100, false, 5, 100)).isTrue();
    assertThat(SnapshotPolicy.snapshotDue(199, 99, false, 5, 100)).isFalse();
    // a 10,000-execution job: every 5,000 events, not every 100
    assertThat(SnapshotPolicy.snapshotDue(4_999, 4_999, false, 10_000, 100)).isFalse();
    assertThat(SnapshotPolicy.snapshotDue(5_000, 5_000, false, 10_000, 100)).isTrue();
    // when a job ends: if it has had snapshot-every events in all, and not twice for one event
    assertThat(SnapshotPolicy.snapshotDue(30_001, 3, true, 10_000, 100)).isTrue();
    assertThat(SnapshotPolicy.snapshotDue(12, 12, true, 3, 100)).isFalse();
    assertThat(SnapshotPolicy.snapshotDue(5_000, 0, true, 10_000, 100)).isFalse();
  }

  /** The sequence numbers of the snapshots of {@code persistenceId}, oldest first. */
  private static List<Long> snapshots(EntityTestNode node, String persistenceId) throws Exception {
    try (var c = node.node.database().connection();
        var ps = c.prepareStatement(
            "SELECT sequence_number FROM snapshot WHERE persistence_id = ? ORDER BY sequence_number")) {
      ps.setString(1, persistenceId);
      List<Long> out = new java.util.ArrayList<>();
      try (var rs = ps.executeQuery()) {
        while (rs.next()) out.add(rs.getLong(1));
      }
      return out;
    }
  }

  private static long lastEvent(EntityTestNode node, String persistenceId) throws Exception {
    try (var c = node.node.database().connection();
        var ps = c.prepareStatement("SELECT MAX(sequence_number) FROM event_journal WHERE persistence_id = ?")) {
      ps.setString(1, persistenceId);
      try (var rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  @Test
  void aJobKeepsItsTwoNewestSnapshotsTheLastTakenWhenItEndedAndRecoversFromThem() throws Exception {
    String big;
    String small;
    Job bigBefore;
    try (EntityTestNode node = new EntityTestNode(dir, "jtork.job.snapshot-every = 10")) {
      // 61 executions (the each and its 60 children): about 3 events per child, so some 180 events.
      big = node.submit("""
          name: fan out
          tasks:
          - name: each
            each:
              list: "{{ sequence(0, 60) }}"
              concurrency: 8
              task:
                name: "t{{ item.index }}"
                run: "true"
          """);
      // One task after another: 10 executions, some 40 events, so 4 or 5 snapshots taken.
      small = node.submit("name: steps\ntasks:\n" + "- name: s\n  run: \"true\"\n".repeat(10));
      for (String id : List.of(big, small)) {
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> node.job(id).state() == JobState.COMPLETED);
      }
      bigBefore = node.job(big);
      assertThat(bigBefore.execution()).hasSize(61).allMatch(t -> t.state() == TaskState.COMPLETED);
      for (String id : List.of(big, small)) {
        // the two newest are kept (the older ones are deleted just after), the newest taken when the job ended
        long last = lastEvent(node, "Job|" + id);
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
          List<Long> kept = snapshots(node, "Job|" + id);
          assertThat(kept).hasSize(2);
          assertThat(kept.get(1)).isEqualTo(last);
        });
      }
      // written as CBOR by io.jtork.encryption.SealedSnapshotSerializer
      try (var c = node.node.database().connection();
          var rs = c.createStatement().executeQuery("SELECT DISTINCT snapshot_ser_id FROM snapshot")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getInt(1)).isEqualTo(730_502);
        assertThat(rs.next()).isFalse();
      }
    }
    try (EntityTestNode again = new EntityTestNode(dir, "jtork.job.snapshot-every = 10")) {
      assertThat(again.job(big)).isEqualTo(bigBefore);
      assertThat(again.job(small).state()).isEqualTo(JobState.COMPLETED);
    }
  }

  @Test
  void aFreshJobsEntityDoesNotLookForASnapshotAndItsIdIsHeldOnlyWhileItIsSubmitted() throws Exception {
    try (EntityTestNode node = new EntityTestNode(dir, "jtork.job.snapshot-every = 10")) {
      FreshJobIds fresh = FreshJobIds.get(node.node.system());
      String id = node.submit("name: steps\ntasks:\n" + "- name: s\n  run: \"true\"\n".repeat(10));
      assertThat(fresh.size()).as("ids held once their submissions are answered").isZero();
      Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> node.job(id).state() == JobState.COMPLETED);
      long last = lastEvent(node, "Job|" + id);
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> snapshots(node, "Job|" + id).contains(last));
      // Two ids with that job's snapshots and no event: only a snapshot can make them exist.
      String recovered = io.jtork.model.Ids.newId();
      String drawn = io.jtork.model.Ids.newId();
      for (String other : List.of(recovered, drawn)) {
        try (var c = node.node.database().connection(); var ps = c.prepareStatement("""
            INSERT INTO snapshot (persistence_id, sequence_number, created, snapshot_ser_id, snapshot_ser_manifest,
              snapshot_payload, meta_ser_id, meta_ser_manifest, meta_payload)
            SELECT ?, sequence_number, created, snapshot_ser_id, snapshot_ser_manifest, snapshot_payload,
              meta_ser_id, meta_ser_manifest, meta_payload FROM snapshot WHERE persistence_id = ?""")) {
          ps.setString(1, "Job|" + other);
          ps.setString(2, "Job|" + id);
          assertThat(ps.executeUpdate()).isPositive();
        }
      }
      assertThat(node.job(recovered).state()).as("recovered from its snapshot").isEqualTo(JobState.COMPLETED);
      fresh.drawn(drawn);
      assertThat(node.node.jobs().get(drawn).toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS))
          .as("a fresh id's entity reads the journal alone").isInstanceOf(JobEntity.NotFound.class);
      assertThat(fresh.size()).as("claimed by its entity").isZero();
    }
  }
}
