package io.jtork.job;

import com.typesafe.config.ConfigFactory;
import io.jtork.model.Job;
import io.jtork.model.UserRef;
import io.jtork.node.JtorkNode;
import io.jtork.spec.JobSpecReader;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/** A standalone node on the shell runtime for tests that talk to job entities directly. */
final class EntityTestNode implements AutoCloseable {
  final JtorkNode node;

  EntityTestNode(Path dir, String moreConfig) throws Exception {
    node = JtorkNode.start(ConfigFactory.parseString("jtork.data-dir = \"" + dir + "\"\njtork.runtime.type = shell\n"
        + moreConfig).withFallback(ConfigFactory.load()));
  }

  Job job(String id) throws Exception {
    return ((JobEntity.Ok) node.jobs().get(id).toCompletableFuture().get(10, TimeUnit.SECONDS)).job();
  }

  String submit(String yaml) throws Exception {
    var reply = node.jobs().submit(JobSpecReader.readJob(yaml, JobSpecReader.Format.YAML), UserRef.GUEST)
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    return ((JobEntity.Ok) reply).job().id();
  }

  void cancel(String jobId) throws Exception {
    node.jobs().cancel(jobId, "test").toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  void tell(String jobId, JobEntity.Command c) {
    ClusterSharding.get(node.system()).entityRefFor(JobEntity.TYPE_KEY, jobId).tell(c);
  }

  @Override
  public void close() {
    node.close();
  }
}
