package io.jtork.journal;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.jtork.node.JtorkNode;
import java.nio.file.Path;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.persistence.jdbc.db.SlickDatabase;
import org.apache.pekko.persistence.jdbc.db.SlickExtension;
import org.apache.pekko.persistence.jdbc.db.SlickExtensionImpl;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.stream.Materializer;
import scala.concurrent.ExecutionContext;

/** A standalone node on H2 and what a journal DAO is built from, to build the node's and the library's side by side. */
final class JournalTestNode implements AutoCloseable {
  final JtorkNode node;
  private final ActorSystem classic;

  JournalTestNode(Path dir) throws Exception {
    node = JtorkNode.start(ConfigFactory.parseString("jtork.data-dir = \"" + dir + "\"\njtork.runtime.type = shell\n")
        .withFallback(ConfigFactory.load()));
    classic = Adapter.toClassic(node.system());
  }

  /** The node's configuration of the journal plugin at {@code path} ({@code jdbc-journal}, {@code jdbc-read-journal}). */
  Config plugin(String path) {
    return node.system().settings().config().getConfig(path);
  }

  /** The database the plugin at {@code path} uses (the node's shared one). */
  SlickDatabase db(String path) {
    return ((SlickExtensionImpl) SlickExtension.get(classic)).database(plugin(path));
  }

  Serialization serialization() {
    return SerializationExtension.get(classic);
  }

  ExecutionContext ec() {
    return classic.dispatcher();
  }

  Materializer mat() {
    return Materializer.matFromSystem(classic);
  }

  @Override
  public void close() {
    node.close();
  }
}
