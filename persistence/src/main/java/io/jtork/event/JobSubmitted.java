package io.jtork.event;

import io.jtork.model.Job;
import io.jtork.model.JobContext;
import io.jtork.model.JobState;
import io.jtork.model.ScheduleRef;
import io.jtork.model.UserRef;
import io.jtork.spec.JobSpec;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A job was accepted. Its context starts with {@code job{id,name}}, the inputs and the secrets. */
public record JobSubmitted(String jobId, JobSpec spec, UserRef createdBy, String parentId, ScheduleRef schedule,
    Instant at) implements JobEvent {
  @Override
  public Job applyTo(Job job) {
    JobContext context = new JobContext(Map.of("id", jobId, "name", spec.name() == null ? "" : spec.name()),
        spec.inputs(), spec.secrets(), Map.of());
    return new Job(new Job.Origin(jobId, parentId, spec, createdBy, schedule),
        new Job.Timeline(at, null, null, null, null),
        new Job.Status(JobState.PENDING, 0, spec.tasks().size(), 0, null, null), context, List.of(), List.of(), null);
  }
}
