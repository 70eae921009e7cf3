package io.jtork.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.jtork.model.Job;
import io.jtork.model.JobState;
import io.jtork.model.TaskState;
import io.jtork.store.Snapshots;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When a job entity snapshots, on a real node and its H2 journal: a small job after
 * {@code snapshot-every} events, a job with more executions than that after as many events as it
 * has executions; only the two newest snapshots are kept, and the job recovers from them.
 */
class JobEntitySnapshotTest {
  @TempDir Path dir;

  @Test
  void aJobSnapshotsOncePerAsManyEventsAsItHasExecutionsAndKeepsTheTwoNewest() throws Exception {
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
      // One task after another: 10 executions, some 40 events, so 3 or 4 snapshots taken.
      small = node.submit("name: steps\ntasks:\n" + "- name: s\n  run: \"true\"\n".repeat(10));
      for (String id : List.of(big, small)) {
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> node.job(id).state() == JobState.COMPLETED);
      }
      bigBefore = node.job(big);
      Snapshots snapshots = new Snapshots(node.node.database());
      List<Long> bigSnapshots = snapshots.sequenceNumbers("Job|" + big);
      List<Long> smallSnapshots = snapshots.sequenceNumbers("Job|" + small);

      assertThat(bigBefore.execution()).hasSize(61).allMatch(t -> t.state() == TaskState.COMPLETED);
      // With a snapshot every 10 events there would have been some 18 of them; every 61 makes 2
      // or 3, and the older ones are deleted.
      assertThat(bigSnapshots).hasSizeBetween(1, 2);
      assertThat(bigSnapshots.get(0)).isGreaterThanOrEqualTo(61);
      if (bigSnapshots.size() == 2) assertThat(bigSnapshots.get(1) - bigSnapshots.get(0)).isGreaterThanOrEqualTo(61);
      assertThat(smallSnapshots).hasSize(2);
      assertThat(smallSnapshots.get(0)).isGreaterThanOrEqualTo(20);
      assertThat(smallSnapshots.get(1) - smallSnapshots.get(0)).isGreaterThanOrEqualTo(10);
    }
    try (EntityTestNode again = new EntityTestNode(dir, "jtork.job.snapshot-every = 10")) {
      assertThat(again.job(big)).isEqualTo(bigBefore);
      assertThat(again.job(small).state()).isEqualTo(JobState.COMPLETED);
    }
  }
}
