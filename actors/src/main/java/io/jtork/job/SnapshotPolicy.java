package io.jtork.job;

import io.jtork.event.JobCancelled;
import io.jtork.event.JobCompleted;
import io.jtork.event.JobEvent;
import io.jtork.event.JobFailed;
import io.jtork.model.Job;
import io.jtork.store.Snapshots;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.slf4j.Logger;

/**
 * When a job entity takes a snapshot, and the deletion of the ones it no longer needs.
 *
 * <p>A snapshot comes after {@code snapshotEvery} events, or after as many events as half the
 * job's executions when that is more, and one when a job of at least {@code snapshotEvery}
 * events ends. A snapshot holds every execution, so a fixed interval made a 10,000-item
 * {@code each} write 4 MB every 33 tasks, most of the job's CPU; this way writing snapshots
 * costs about the same per event whatever the job's size, a running job recovers by replaying
 * at most one event per two executions, and a finished one (read most often) none.
 */
final class SnapshotPolicy {
  private final String persistenceId;
  private final int snapshotEvery;
  private final Snapshots snapshots;
  private final Executor blocking;
  private final Logger log;
  /** The last snapshot taken, or where recovery ended (a snapshot then is at most that old). */
  private long lastSnapshotSeqNr;

  SnapshotPolicy(String persistenceId, int snapshotEvery, Snapshots snapshots, Executor blocking, Logger log) {
    this.persistenceId = persistenceId;
    this.snapshotEvery = snapshotEvery;
    this.snapshots = snapshots;
    this.blocking = blocking;
    this.log = log;
  }

  boolean shouldSnapshot(Job state, JobEvent event, long sequenceNr) {
    boolean ended = event instanceof JobCompleted || event instanceof JobFailed || event instanceof JobCancelled;
    return snapshotDue(sequenceNr, sequenceNr - lastSnapshotSeqNr, ended, state.execution().size(), snapshotEvery);
  }

  /** Whether a job of {@code executions} at event {@code sequenceNr}, {@code since} events after the last snapshot, takes one. */
  static boolean snapshotDue(long sequenceNr, long since, boolean ended, int executions, int snapshotEvery) {
    if (since <= 0) return false;
    return ended ? sequenceNr >= snapshotEvery : since >= Math.max(snapshotEvery, executions / 2);
  }

  /** Recovery ended at {@code sequenceNr}. */
  void recovered(long sequenceNr) {
    lastSnapshotSeqNr = sequenceNr;
  }

  /** A snapshot at {@code sequenceNr} is written: the ones older than the two newest are deleted. */
  void taken(long sequenceNr) {
    lastSnapshotSeqNr = sequenceNr;
    CompletableFuture.runAsync(() -> {
      try {
        snapshots.keepNewest(persistenceId, 2);
      } catch (SQLException e) {
        throw new CompletionException(e);
      }
    }, blocking).exceptionally(e -> {
      log.warn("{}: could not delete its older snapshots: {}", persistenceId, e.getMessage());
      return null;
    });
  }
}
