package io.jtork.dispatch;

import io.jtork.serialization.JtorkSerializable;
import org.apache.pekko.actor.typed.ActorRef;

/** What a task queue accepts from task actors and workers. */
public interface QueueCommand extends JtorkSerializable {

  /**
   * A task waits for a worker. Idempotent per attempt; {@code seq} keeps FIFO order among equal
   * priorities even when the ticket comes back after a rejection.
   */
  record Enqueue(String attemptId, int priority, long seq, ActorRef<TaskCommand> task) implements QueueCommand {}

  /** The task no longer waits (cancelled). */
  record Withdraw(String attemptId) implements QueueCommand {}

  /**
   * A worker offers {@code slots} free slots for this queue: added to what it offered before, or
   * replacing it when {@code reset} (first contact, or the queue was restarted elsewhere).
   */
  record Demand(ActorRef<WorkerCommand> worker, String nodeId, String workerAddress, int slots, boolean reset)
      implements QueueCommand {}

  /** A task actor did not use the slot it was assigned; the worker gets it back. */
  record Decline(String attemptId, ActorRef<WorkerCommand> worker) implements QueueCommand {}

  record GetInfo(ActorRef<QueueInfo> replyTo) implements QueueCommand {}

  /** Tork's QueueInfo: waiting tasks, workers subscribed, tasks handed out and not yet finished. */
  record QueueInfo(String name, int size, int subscribers, int unacked) implements JtorkSerializable {}
}
