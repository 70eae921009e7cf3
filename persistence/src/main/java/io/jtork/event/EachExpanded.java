package io.jtork.event;

import io.jtork.model.EachItems;
import io.jtork.model.Job;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * An {@code each} evaluated its list: the items are kept in the job, and its children are
 * created in their turn ({@link TaskCreated}, each taking the next item), at most its
 * {@code concurrency} at a time and at most a batch per write, instead of all at once. Journals
 * of earlier versions have none: their {@code each} children were all created at once, held
 * back as CREATED and let go by {@link TaskReleased}.
 *
 * @param taskId the {@code each} execution
 * @param var the name an item has in its child's scope
 * @param scope what else the children see (an outer {@code each}'s item)
 */
public record EachExpanded(String taskId, List<Object> items, String var, Map<String, Object> scope, Instant at)
    implements JobEvent {
  @Override
  public Job applyTo(Job job) {
    return job.withEach(taskId, EachItems.of(items, var, scope));
  }
}
