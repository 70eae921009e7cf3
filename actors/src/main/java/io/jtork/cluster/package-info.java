/**
 * Cluster membership: the roles a node can take ({@link io.jtork.cluster.Roles}) and what
 * depends on them, such as which nodes host the shards.
 */
package io.jtork.cluster;
