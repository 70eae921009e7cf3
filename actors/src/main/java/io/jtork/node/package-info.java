/**
 * Starting a node: {@link io.jtork.node.NodeSettings} reads the {@code jtork.*} configuration,
 * {@link io.jtork.node.JtorkNode} migrates the schema, starts the actor system, joins the
 * cluster and starts what the node's role hosts (job and queue shards, the projection, the
 * log writer, a worker with its runtime). {@link io.jtork.node.ClusterInfo} is the node's view of
 * the cluster: its workers, queues and shards ({@code /nodes}, {@code /queues}, {@code /metrics}).
 * The HTTP API is started by the {@code http} module.
 */
package io.jtork.node;
