package io.jtork.event;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.jtork.model.Job;
import io.jtork.serialization.JtorkSerializable;
import java.time.Instant;

/**
 * An event in one job's journal. {@link #at()} is when it happened; {@link #applyTo(Job)} is
 * the pure state transition.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = JobSubmitted.class, name = "JobSubmitted"),
    @JsonSubTypes.Type(value = TaskReleased.class, name = "TaskReleased"),
    @JsonSubTypes.Type(value = TaskOutputStored.class, name = "TaskOutputStored"),
    @JsonSubTypes.Type(value = JobStarted.class, name = "JobStarted"),
    @JsonSubTypes.Type(value = JobRunning.class, name = "JobRunning"),
    @JsonSubTypes.Type(value = JobAdvanced.class, name = "JobAdvanced"),
    @JsonSubTypes.Type(value = JobCompleted.class, name = "JobCompleted"),
    @JsonSubTypes.Type(value = JobFailed.class, name = "JobFailed"),
    @JsonSubTypes.Type(value = JobCancelled.class, name = "JobCancelled"),
    @JsonSubTypes.Type(value = JobRestarted.class, name = "JobRestarted"),
    @JsonSubTypes.Type(value = TaskCreated.class, name = "TaskCreated"),
    @JsonSubTypes.Type(value = TaskStarted.class, name = "TaskStarted"),
    @JsonSubTypes.Type(value = TaskProgressed.class, name = "TaskProgressed"),
    @JsonSubTypes.Type(value = TaskCompleted.class, name = "TaskCompleted"),
    @JsonSubTypes.Type(value = TaskFailed.class, name = "TaskFailed"),
    @JsonSubTypes.Type(value = TaskCancelled.class, name = "TaskCancelled"),
    @JsonSubTypes.Type(value = TaskSkipped.class, name = "TaskSkipped"),
    @JsonSubTypes.Type(value = TaskRunLost.class, name = "TaskRunLost"),
    @JsonSubTypes.Type(value = WebhookQueued.class, name = "WebhookQueued"),
    @JsonSubTypes.Type(value = JobDeleted.class, name = "JobDeleted"),
    @JsonSubTypes.Type(value = WebhookAttempted.class, name = "WebhookAttempted"),
    @JsonSubTypes.Type(value = EachExpanded.class, name = "EachExpanded"),
})
public sealed interface JobEvent extends JtorkSerializable
    permits JobSubmitted, JobStarted, JobRunning, JobAdvanced, JobCompleted, JobFailed, JobCancelled, JobRestarted,
    TaskCreated, TaskEvent, TaskOutputStored, WebhookQueued, WebhookAttempted, JobDeleted, EachExpanded {

  Instant at();

  Job applyTo(Job job);
}
