package io.jtork.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.jtork.model.Job;
import io.jtork.model.JobState;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** {@code jtork.job.max-each-items}: a longer list fails the each at once, before any child exists. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EachLimitTest {
  @TempDir static Path dir;
  private EntityTestNode node;

  @BeforeAll
  void start() throws Exception {
    node = new EntityTestNode(dir, "jtork.job.max-each-items = 5");
  }

  @AfterAll
  void stop() {
    node.close();
  }

  private Job awaitEnd(String id) throws Exception {
    Awaitility.await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
        .until(() -> node.job(id).state().isTerminal());
    return node.job(id);
  }

  @Test
  void aListLongerThanTheLimitFailsTheEachNamingTheLimitAndTheSize() throws Exception {
    Job job = awaitEnd(node.submit("name: too wide\ntasks:\n- name: fan out\n  each:\n"
        + "    list: \"{{ sequence(0, 6) }}\"\n    task: {name: x, run: echo x}\n"));
    assertThat(job.state()).isEqualTo(JobState.FAILED);
    assertThat(job.error()).isEqualTo("each.list: 6 items, more than jtork.job.max-each-items (5)");
    assertThat(job.execution()).as("no child was created").hasSize(1);
  }

  @Test
  void aListOfExactlyTheLimitRuns() throws Exception {
    Job job = awaitEnd(node.submit("name: wide enough\ntasks:\n- name: fan out\n  each:\n"
        + "    list: \"{{ sequence(0, 5) }}\"\n    task: {name: x, run: echo x}\n"));
    assertThat(job.state()).isEqualTo(JobState.COMPLETED);
    assertThat(job.execution()).hasSize(6);
  }
}
