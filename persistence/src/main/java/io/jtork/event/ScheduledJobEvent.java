package io.jtork.event;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.jtork.model.ScheduledJob;
import io.jtork.serialization.JtorkSerializable;
import java.time.Instant;

/** An event in one scheduled job's journal: its lifecycle and every fire, skipped or missed one. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = ScheduledJobCreated.class, name = "ScheduledJobCreated"),
    @JsonSubTypes.Type(value = ScheduledJobPaused.class, name = "ScheduledJobPaused"),
    @JsonSubTypes.Type(value = ScheduledJobResumed.class, name = "ScheduledJobResumed"),
    @JsonSubTypes.Type(value = ScheduledJobDeleted.class, name = "ScheduledJobDeleted"),
    @JsonSubTypes.Type(value = ScheduledJobFired.class, name = "ScheduledJobFired"),
    @JsonSubTypes.Type(value = ScheduledJobFireSkipped.class, name = "ScheduledJobFireSkipped"),
    @JsonSubTypes.Type(value = ScheduledJobFiresMissed.class, name = "ScheduledJobFiresMissed"),
})
public sealed interface ScheduledJobEvent extends JtorkSerializable
    permits ScheduledJobCreated, ScheduledJobPaused, ScheduledJobResumed, ScheduledJobDeleted, ScheduledJobFired,
    ScheduledJobFireSkipped, ScheduledJobFiresMissed {

  Instant at();

  ScheduledJob applyTo(ScheduledJob s);
}
