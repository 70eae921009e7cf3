package io.jtork.cluster;

import java.util.Set;

/**
 * What a node hosts. A {@code coordinator} hosts the job, scheduled-job and queue shards, the
 * projections, the retention sweeper, the task log writer and the HTTP API, and needs the
 * database; a {@code worker} hosts a {@code WorkerNode} and its runtime and needs no database;
 * a {@code standalone} node is both, in a single-node cluster.
 */
public enum Roles {
  STANDALONE(Set.of(Roles.COORDINATOR, Roles.WORKER)),
  COORDINATOR_ONLY(Set.of(Roles.COORDINATOR)),
  WORKER_ONLY(Set.of(Roles.WORKER));

  /** The Pekko cluster role of nodes that host the shards and the API. */
  public static final String COORDINATOR = "coordinator";
  /** The Pekko cluster role of nodes that run tasks. */
  public static final String WORKER = "worker";

  private final Set<String> clusterRoles;

  Roles(Set<String> clusterRoles) {
    this.clusterRoles = clusterRoles;
  }

  public Set<String> clusterRoles() {
    return clusterRoles;
  }

  public boolean coordinates() {
    return clusterRoles.contains(COORDINATOR);
  }

  public boolean works() {
    return clusterRoles.contains(WORKER);
  }

  /** The mode's name on the command line: standalone, coordinator or worker. */
  public String mode() {
    return this == STANDALONE ? "standalone" : this == COORDINATOR_ONLY ? COORDINATOR : WORKER;
  }
}
