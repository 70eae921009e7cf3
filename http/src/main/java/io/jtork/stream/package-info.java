/**
 * Live streams (Server-Sent Events): the node's {@link io.jtork.stream.ChangeFeed}, which follows
 * the journal and the task log for every open stream at once, and one follower per open stream
 * ({@link io.jtork.stream.LogFollower}, {@link io.jtork.stream.JobEventsFollower},
 * {@link io.jtork.stream.JobsBroadcast}) that reads what is new for its client and sends it in
 * order, resuming after {@code Last-Event-ID}. The routes are in {@code io.jtork.api.StreamRoutes};
 * docs/api.md describes the streams.
 */
package io.jtork.stream;
