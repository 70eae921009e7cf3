package io.jtork.dispatch;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.jtork.serialization.JtorkSerializable;
import java.time.Instant;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/** What a worker node accepts from task actors. */
public interface WorkerCommand extends JtorkSerializable {

  /** Under which every worker node registers with the receptionist; task actors find workers by it. */
  ServiceKey<WorkerCommand> KEY =
      ServiceKey.create(WorkerCommand.class, "jtork-worker");

  /** Run this attempt and report to {@code replyTo}. */
  record RunTask(TaskWork work, ActorRef<TaskCommand> replyTo) implements WorkerCommand {}

  /** Kill this attempt if it runs here. */
  record CancelRun(String attemptId) implements WorkerCommand {}

  /**
   * Does this attempt run (or did it just finish) here? If so, report to {@code replyTo} from now
   * on: this is how a task actor re-attaches after its job moved to another node.
   */
  record ProbeRun(String attemptId, ActorRef<TaskCommand> replyTo) implements WorkerCommand {}

  /**
   * The task actor has the outcome of this attempt: the worker stops sending it. Until then the
   * worker sends the outcome again every few seconds (to whichever task actor re-attached last),
   * so an outcome sent to a task actor that died with its node is not lost; a stopping worker
   * waits for these too.
   */
  record OutcomeReceived(String attemptId) implements WorkerCommand {}

  /** Describe yourself ({@code GET /nodes}, {@code GET /metrics}). */
  record Describe(ActorRef<NodeInfo> replyTo) implements WorkerCommand {}

  /**
   * Tork's Node: {@code queue} is the worker's own queue ({@code x-<id>}), {@code status} UP or DOWN
   * (its runtime does not answer); beyond Tork, the task queues it serves and its runtime.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  record NodeInfo(String id, String name, Instant startedAt, double cpuPercent,
      Instant lastHeartbeatAt, String queue, String status, String hostname, int port, int taskCount,
      String version, Map<String, Integer> queues, String runtime) implements JtorkSerializable {}

  /** A queue took the worker's demand; the worker watches it to offer its slots again if it moves. */
  record QueueSubscribed(String queue, ActorRef<QueueCommand> queueRef) implements WorkerCommand {}
}
