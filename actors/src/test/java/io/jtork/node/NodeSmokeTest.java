package io.jtork.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.jtork.job.JobEntity;
import io.jtork.model.JobState;
import io.jtork.model.UserRef;
import io.jtork.spec.JobSpecReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeSmokeTest {
  @TempDir Path dir;

  @Test
  void runsATwoTaskJob() throws Exception {
    var config = ConfigFactory.parseString("jtork.data-dir = \"" + dir + "\"\njtork.runtime.type = shell")
        .withFallback(ConfigFactory.load());
    try (JtorkNode node = JtorkNode.start(config)) {
      var spec = JobSpecReader.readJob("""
          name: hello job
          tasks:
          - name: say hello
            var: task1
            image: ubuntu:mantic
            run: |
              echo -n hello world > $TORK_OUTPUT
          - name: say goodbye
            image: ubuntu:mantic
            run: |
              echo -n bye world
          """, JobSpecReader.Format.YAML);
      var reply = (JobEntity.Ok) node.jobs().submit(spec, UserRef.GUEST).toCompletableFuture().get(10, TimeUnit.SECONDS);
      var end = (JobEntity.Ok) node.jobs().awaitEnd(reply.job().id(), Duration.ofSeconds(20)).toCompletableFuture()
          .get(25, TimeUnit.SECONDS);
      assertThat(end.job().state()).isEqualTo(JobState.COMPLETED);
      assertThat(end.job().context().tasks()).containsEntry("task1", "hello world");
      assertThat(end.job().execution()).hasSize(2);
      assertThat(end.job().position()).isEqualTo(3);
    }
  }
}
