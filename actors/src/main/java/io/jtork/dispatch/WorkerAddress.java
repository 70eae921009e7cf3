package io.jtork.dispatch;

import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.UniqueAddress;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * A worker's identity in the cluster as it is journaled with a running task: the member's
 * address and its incarnation uid, so a node restarted on the same port counts as a new one.
 */
public final class WorkerAddress {
  private WorkerAddress() {}

  public static String of(UniqueAddress a) {
    return a.address() + "#" + a.longUid();
  }

  /** Whether the member that ran a task is still up in the cluster. */
  public static boolean isAlive(Cluster cluster, String workerAddress) {
    MemberStatus s = status(cluster, workerAddress);
    return s == MemberStatus.up() || s == MemberStatus.weaklyUp() || s == MemberStatus.joining();
  }

  /** Whether that member is still in the cluster and not down: it may be leaving, and finishing its tasks. */
  public static boolean isMember(Cluster cluster, String workerAddress) {
    MemberStatus s = status(cluster, workerAddress);
    return s != null && s != MemberStatus.down() && s != MemberStatus.removed();
  }

  /** The status of the member with that address and incarnation, or null when it is not a member. */
  private static MemberStatus status(Cluster cluster, String workerAddress) {
    if (workerAddress == null) return null;
    for (Member m : cluster.state().getMembers()) {
      if (of(m.uniqueAddress()).equals(workerAddress)) return m.status();
    }
    return null;
  }
}
