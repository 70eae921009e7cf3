package io.jtork.dispatch;

import io.jtork.serialization.JtorkSerializable;
import org.apache.pekko.actor.typed.ActorRef;

/** What a worker node accepts from task actors. */
public interface WorkerCommand extends JtorkSerializable {

  /** Run this attempt and report to {@code replyTo}. */
  record RunTask(TaskWork work, ActorRef<TaskCommand> replyTo) implements WorkerCommand {}

  /** Kill this attempt if it runs here. */
  record CancelRun(String attemptId) implements WorkerCommand {}

  /**
   * Does this attempt run (or did it just finish) here? If so, report to {@code replyTo} from now
   * on: this is how a task actor re-attaches after its job moved to another node.
   */
  record ProbeRun(String attemptId, ActorRef<TaskCommand> replyTo) implements WorkerCommand {}

  /** A queue took the worker's demand; the worker watches it to offer its slots again if it moves. */
  record QueueSubscribed(String queue, ActorRef<QueueCommand> queueRef) implements WorkerCommand {}
}
