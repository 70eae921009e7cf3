package io.jtork.worker;

import io.jtork.dispatch.QueueCommand;
import io.jtork.dispatch.WorkerCommand;
import io.jtork.job.Stages;
import io.jtork.queue.TaskQueue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * What the cluster's workers and queues say about themselves, for {@code GET /nodes},
 * {@code GET /queues} and {@code GET /metrics}: the workers are found through the receptionist and
 * each asked to describe itself (one that does not answer within {@code timeout} is left out); the
 * queues are those some worker serves, each asked for its {@code QueueInfo}.
 */
public final class ClusterInfo {
  private final ActorSystem<?> system;
  private final Duration timeout;

  public ClusterInfo(ActorSystem<?> system, Duration timeout) {
    this.system = system;
    this.timeout = timeout;
  }

  public CompletionStage<List<WorkerCommand.NodeInfo>> nodes() {
    CompletionStage<Receptionist.Listing> listing = AskPattern.ask(system.receptionist(),
        r -> Receptionist.find(WorkerNode.KEY, r), timeout, system.scheduler());
    return Stages.on(listing, system.executionContext()).thenCompose(l -> {
      List<CompletableFuture<Optional<WorkerCommand.NodeInfo>>> asks = new ArrayList<>();
      for (ActorRef<WorkerCommand> w : l.getServiceInstances(WorkerNode.KEY)) {
        CompletionStage<WorkerCommand.NodeInfo> info = AskPattern.ask(w, WorkerCommand.Describe::new, timeout,
            system.scheduler());
        asks.add(Stages.on(info, system.executionContext()).toCompletableFuture()
            .handle((i, e) -> Optional.ofNullable(e == null ? i : null)));
      }
      return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new)).thenApply(x -> {
        List<WorkerCommand.NodeInfo> out = new ArrayList<>();
        asks.forEach(a -> a.join().ifPresent(out::add));
        out.sort(Comparator.comparing(WorkerCommand.NodeInfo::name).thenComparing(WorkerCommand.NodeInfo::id));
        return out;
      });
    });
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
