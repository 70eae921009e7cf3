package io.jtork.node;

import io.jtork.dispatch.QueueCommand;
import io.jtork.dispatch.WorkerCommand;
import io.jtork.concurrent.Stages;
import io.jtork.job.JobEntity;
import io.jtork.queue.TaskQueue;
import io.jtork.scheduled.ScheduledJobEntity;
import io.jtork.serialization.JtorkSerializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.GetClusterShardingStats;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * What the cluster's workers and queues say about themselves, for {@code GET /nodes},
 * {@code GET /queues} and {@code GET /metrics}: the workers are found through the receptionist and
 * each asked to describe itself (one that does not answer within {@code timeout} is shown as it was
 * last seen, OFFLINE, until it leaves the registry, or left out if it never answered); the
 * queues are those some worker serves, each asked for its {@code QueueInfo}.
 */
public final class ClusterInfo {
  private final ActorSystem<?> system;
  private final Duration timeout;
  /** What each worker said last, to show one that stops answering as OFFLINE rather than not at all. */
  private final Map<ActorRef<WorkerCommand>, WorkerCommand.NodeInfo> lastSeen =
      new ConcurrentHashMap<>();

  public ClusterInfo(ActorSystem<?> system, Duration timeout) {
    this.system = system;
    this.timeout = timeout;
  }

  public CompletionStage<List<WorkerCommand.NodeInfo>> nodes() {
    CompletionStage<Receptionist.Listing> listing = AskPattern.ask(system.receptionist(),
        r -> Receptionist.find(WorkerCommand.KEY, r), timeout, system.scheduler());
    return Stages.on(listing, system.executionContext()).thenCompose(l -> {
      List<CompletableFuture<Optional<WorkerCommand.NodeInfo>>> asks = new ArrayList<>();
      for (ActorRef<WorkerCommand> w : l.getServiceInstances(WorkerCommand.KEY)) {
        CompletionStage<WorkerCommand.NodeInfo> info = AskPattern.ask(w, WorkerCommand.Describe::new, timeout,
            system.scheduler());
        asks.add(Stages.on(info, system.executionContext()).toCompletableFuture()
            .handle((i, e) -> {
              if (e == null) {
                lastSeen.put(w, i);
                return Optional.of(i);
              }
              return Optional.ofNullable(lastSeen.get(w)).map(ClusterInfo::offline);
            }));
      }
      lastSeen.keySet().retainAll(l.getServiceInstances(WorkerCommand.KEY));
      return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new)).thenApply(x -> {
        List<WorkerCommand.NodeInfo> out = new ArrayList<>();
        asks.forEach(a -> a.join().ifPresent(out::add));
        out.sort(Comparator.comparing(WorkerCommand.NodeInfo::name).thenComparing(WorkerCommand.NodeInfo::id));
        return out;
      });
    });
  }

  /**
   * A cluster member as {@code GET /cluster} shows it (beyond Tork): its address, roles, status,
   * whether the others reach it, and how many job and scheduled-job shards and entities it hosts.
   */
  public record Member(String address, List<String> roles, String status, boolean reachable,
      int jobShards, int jobs, int scheduledJobShards, int scheduledJobs) implements JtorkSerializable {}

  /** Every member of the cluster, with the shards it hosts (a member whose region did not answer shows none). */
  public CompletionStage<List<Member>> members() {
    var jobs = shardStats(JobEntity.TYPE_KEY);
    var schedules = shardStats(ScheduledJobEntity.TYPE_KEY);
    return jobs.thenCombine(schedules, (j, s) -> {
      var state = Cluster.get(system).state();
      var unreachable = new HashSet<>();
      state.getUnreachable().forEach(m -> unreachable.add(m.address()));
      List<Member> out = new ArrayList<>();
      for (org.apache.pekko.cluster.Member m : state.getMembers()) {
        var js = j.getRegions().get(m.address());
        var ss = s.getRegions().get(m.address());
        out.add(new Member(m.address().toString(), new ArrayList<>(new TreeSet<>(m.getRoles()).stream()
            .filter(r -> !r.startsWith("dc-")).toList()), m.status().toString().toUpperCase(Locale.ROOT),
            !unreachable.contains(m.address()),
            shards(js), entities(js), shards(ss), entities(ss)));
      }
      return out;
    });
  }

  /** Per member address, the shards of {@code type} it hosts and their entity counts. */
  private CompletionStage<ShardRegion.ClusterShardingStats> shardStats(
      EntityTypeKey<?> type) {
    return Stages.on(AskPattern.ask(ClusterSharding.get(system).shardState(),
        r -> new GetClusterShardingStats(type, timeout, r),
        timeout.plusSeconds(1), system.scheduler()), system.executionContext());
  }

  private static int shards(ShardRegion.ShardRegionStats stats) {
    return stats == null ? 0 : stats.getStats().size();
  }

  private static int entities(ShardRegion.ShardRegionStats stats) {
    if (stats == null) return 0;
    int n = 0;
    for (Object count : stats.getStats().values()) n += ((Number) count).intValue();
    return n;
  }

  /** A worker that is still registered but did not answer: as it was last seen, OFFLINE and idle. */
  private static WorkerCommand.NodeInfo offline(WorkerCommand.NodeInfo i) {
    return new WorkerCommand.NodeInfo(i.id(), i.name(), i.startedAt(), 0, i.lastHeartbeatAt(), i.queue(), "OFFLINE",
        i.hostname(), i.port(), 0, i.version(), i.queues(), i.runtime());
  }

  /** The queues some worker serves, with what each says about itself. */
  public CompletionStage<List<QueueCommand.QueueInfo>> queues() {
    return nodes().thenCompose(nodes -> {
      Set<String> names = new TreeSet<>();
      nodes.forEach(n -> names.addAll(n.queues().keySet()));
      List<CompletableFuture<QueueCommand.QueueInfo>> asks = new ArrayList<>();
      for (String name : names) asks.add(queue(name).toCompletableFuture());
      return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new))
          .thenApply(x -> asks.stream().map(CompletableFuture::join).toList());
    });
  }

  public CompletionStage<QueueCommand.QueueInfo> queue(String name) {
    return Stages.on(TaskQueue.ref(ClusterSharding.get(system), name).ask(QueueCommand.GetInfo::new, timeout),
        system.executionContext());
  }
}
