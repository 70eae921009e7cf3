package io.jtork.job;

import io.jtork.event.TaskFailed;
import java.time.Instant;

/**
 * What a task actor (or a sub-job actor) reports to its job about one run of a task. The set is
 * closed, and each report hands itself to the {@link JobDecider} method that decides it, so a new
 * kind of report that the decider does not handle is a compile error, not a message dropped.
 */
sealed interface TaskReport extends JobEntity.Command
    permits TaskReport.RunStarted, TaskReport.RunProgressed, TaskReport.RunSucceeded, TaskReport.RunFailed,
    TaskReport.RunLost {

  /** Adds what this report leads to to {@code plan}. */
  void decide(JobDecider decider, JobDecider.Plan plan);

  record RunStarted(String taskId, int run, String nodeId, String workerAddress, Instant at) implements TaskReport {
    @Override
    public void decide(JobDecider decider, JobDecider.Plan plan) {
      decider.runStarted(plan, this);
    }
  }

  record RunProgressed(String taskId, int run, double progress) implements TaskReport {
    @Override
    public void decide(JobDecider decider, JobDecider.Plan plan) {
      decider.runProgressed(plan, this);
    }
  }

  record RunSucceeded(String taskId, int run, String result, Instant at) implements TaskReport {
    @Override
    public void decide(JobDecider decider, JobDecider.Plan plan) {
      decider.runSucceeded(plan, this);
    }

    @Override
    public String toString() {
      return "RunSucceeded[" + taskId + "-" + run + "]";
    }
  }

  record RunFailed(String taskId, int run, String error, TaskFailed.Cause cause, Instant at) implements TaskReport {
    @Override
    public void decide(JobDecider decider, JobDecider.Plan plan) {
      decider.runFailed(plan, taskId, run, error, cause, null, at);
    }
  }

  /**
   * The run is gone with its worker. {@code handedTo} is the worker's node id when the run was
   * handed to it and the worker never confirmed the start (null when the start is on record or
   * no worker is known), so that the lost attempt names the node it may have begun on.
   */
  record RunLost(String taskId, int run, String reason, String handedTo) implements TaskReport {
    @Override
    public void decide(JobDecider decider, JobDecider.Plan plan) {
      decider.runLost(plan, this);
    }
  }
}
