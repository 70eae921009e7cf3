package io.jtork.dispatch;

import io.jtork.event.TaskFailed;
import io.jtork.serialization.JtorkSerializable;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Instant;
import org.apache.pekko.actor.typed.ActorRef;

/** What a task actor hears from its queue and its worker; every message names the attempt. */
public interface TaskCommand extends JtorkSerializable {

  /** The queue holds the ticket; the task actor watches {@code queue} to re-enqueue if it goes. */
  record Enqueued(String attemptId, ActorRef<QueueCommand> queue) implements TaskCommand {}

  /** The queue chose a worker with a free slot for this attempt. */
  record Assigned(String attemptId, ActorRef<WorkerCommand> worker, String nodeId, String workerAddress,
      ActorRef<QueueCommand> queue) implements TaskCommand {}

  /** The worker could not take the run (no free slot after all); the task goes back to its queue. */
  record Rejected(String attemptId, String reason) implements TaskCommand {}

  /** What a worker reports about a run it has. */
  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
  @JsonSubTypes({
      @JsonSubTypes.Type(value = Started.class, name = "started"),
      @JsonSubTypes.Type(value = Progressed.class, name = "progressed"),
      @JsonSubTypes.Type(value = Succeeded.class, name = "succeeded"),
      @JsonSubTypes.Type(value = Failed.class, name = "failed")})
  sealed interface FromWorker extends TaskCommand permits Started, Progressed, Outcome {
    String attemptId();
  }

  record Started(String attemptId, String nodeId, String workerAddress, Instant at) implements FromWorker {}

  record Progressed(String attemptId, double progress) implements FromWorker {}

  /** How a run ended; a worker keeps it for a while so that a re-attaching task actor can learn it. */
  sealed interface Outcome extends FromWorker permits Succeeded, Failed {}

  record Succeeded(String attemptId, String result, Instant at) implements Outcome {
    @Override
    public String toString() {
      return "Succeeded[" + attemptId + "]";
    }
  }

  /** The run failed; {@code error} is already redacted; {@code cause} is TASK or TIMEOUT. */
  record Failed(String attemptId, String error, TaskFailed.Cause cause, Instant at) implements Outcome {}

  /**
   * A worker's answer to "do you have this attempt?": {@code RUNNING}, {@code FINISHED} with the
   * outcome it kept, or {@code UNKNOWN}.
   */
  record ProbeAnswer(String attemptId, ProbeStatus status, ActorRef<WorkerCommand> worker, String nodeId,
      String workerAddress, Outcome outcome) implements TaskCommand {}

  enum ProbeStatus { RUNNING, FINISHED, UNKNOWN }
}
