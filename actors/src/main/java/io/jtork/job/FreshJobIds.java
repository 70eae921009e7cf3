package io.jtork.job;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * The job ids this node has just drawn (new, not derived) for a submission and not yet seen an entity
 * start for. Such a job can have no snapshot, so its entity, when it starts on this node, skips
 * the snapshot store's query (one database round trip on every submission's path) and recovers
 * from the journal alone, which holds nothing for it either.
 *
 * <p>Skipping the query is correct for any id: the journal keeps every event of a job (snapshots
 * only shorten its replay), so an entity that ignores its snapshots recovers the same state, only
 * more slowly. An id is held only while its submission is asked: an entity that starts on another
 * node (a cluster) recovers as always, and nothing is left behind.
 */
public final class FreshJobIds implements Extension {
  public static final ExtensionId<FreshJobIds> ID = new ExtensionId<>() {
    @Override
    public FreshJobIds createExtension(ActorSystem<?> system) {
      return new FreshJobIds();
    }
  };

  private final Set<String> ids = ConcurrentHashMap.newKeySet();

  public static FreshJobIds get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  /** {@code jobId} was just drawn new ({@code Ids.newId}), and is about to be submitted. */
  void drawn(String jobId) {
    ids.add(jobId);
  }

  /**
   * Its submission was answered, or failed: the entity has started, or (after a timeout) may start
   * later without the mark, which then only costs it the snapshot query.
   */
  void submitted(String jobId) {
    ids.remove(jobId);
  }

  /** Whether {@code jobId} is fresh; true once at most, for the first entity that starts with it. */
  boolean claim(String jobId) {
    return ids.remove(jobId);
  }

  /** How many ids are held (submissions being asked). */
  int size() {
    return ids.size();
  }
}
