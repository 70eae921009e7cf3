package io.jtork.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import io.jtork.cluster.Roles;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cluster settings a node refuses, each with a message naming the setting and the value. */
class ClusterSettingsTest {
  @TempDir Path dir;

  private com.typesafe.config.Config config(String more) {
    return ConfigFactory.parseString("jtork.data-dir = \"" + dir + "\"\njtork.runtime.type = shell\n" + more)
        .withFallback(ConfigFactory.load());
  }

  @Test
  void aSeedThatIsNotANodeAddressIsRefusedByName() {
    assertThatThrownBy(() -> NodeSettings.from(config("jtork.cluster.seed-nodes = [\"akka://jtork@10.0.0.1:2551\"]")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("jtork.cluster.seed-nodes")
        .hasMessageContaining("\"akka://jtork@10.0.0.1:2551\" is not a node address such as pekko://jtork@10.0.0.1:2551");
    assertThatThrownBy(() -> NodeSettings.from(config("jtork.cluster.seed-nodes = \"pekko://jtork@h1:2551,h2:2552\"")))
        .hasMessageContaining("\"h2:2552\" is not a node address");
  }

  @Test
  void seedsFromTheEnvironmentFormAreAList() {
    assertThat(NodeSettings.from(config("jtork.cluster.seed-nodes = \"pekko://jtork@h1:2551, pekko://jtork@h2:2552\""))
        .seedNodes()).containsExactly("pekko://jtork@h1:2551", "pekko://jtork@h2:2552");
  }

  @Test
  void aCoordinatorOrWorkerWithoutSeedsDoesNotStartAndTouchesNothing() {
    for (Roles role : new Roles[] {Roles.COORDINATOR_ONLY, Roles.WORKER_ONLY}) {
      assertThatThrownBy(() -> JtorkNode.start(config(""), role))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("a " + role.mode() + " needs seed nodes to join: set jtork.cluster.seed-nodes"
              + " (JTORK_CLUSTER_SEED_NODES=\"pekko://jtork@host:2551,...\") or use --seed-nodes");
    }
    assertThat(dir.resolve("jtork.mv.db")).as("no database was created").doesNotExist();
    assertThat(Files.exists(dir.resolve("worker-id"))).isFalse();
  }

  @Test
  void theFirstAdministratorsNameFollowsTheUsernameRules() {
    assertThatThrownBy(() -> NodeSettings.from(config("jtork.auth.admin.username = \"root<1>\"")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("jtork.auth.admin.username")
        .hasMessageContaining("username: only letters, digits, '.', '_', '-' and '@' are allowed (found '<')")
        .hasMessageNotContaining("\n");
    assertThat(NodeSettings.from(config("jtork.auth.admin.username = \" root \"")).authAdminUsername()).isEqualTo("root");
  }

  @Test
  void theSignInThrottleSettingsAreReadAndABadOneIsRefusedByName() {
    NodeSettings.AuthThrottle t = NodeSettings.from(config("")).authThrottle();
    assertThat(t.enabled()).isTrue();
    assertThat(t.addressFailures()).isEqualTo(10);
    assertThat(t.userMaxDelay()).isEqualTo(java.time.Duration.ofMinutes(5));
    assertThat(t.hashThreads()).isEqualTo(1);
    assertThatThrownBy(() -> NodeSettings.from(config("jtork.auth.throttle.hash-queue = 0")))
        .hasMessageContaining("jtork.auth.throttle.hash-queue").hasMessageContaining("must be at least 1, not 0");
    assertThatThrownBy(() -> NodeSettings.from(config("jtork.auth.throttle.user.max-delay = 1ms")))
        .hasMessageContaining("jtork.auth.throttle.user.max-delay")
        .hasMessageContaining("must not be shorter than user.base-delay");
  }
}
