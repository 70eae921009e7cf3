package io.jtork.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.jtork.event.EachExpanded;
import io.jtork.model.EachItems;
import io.jtork.model.Job;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An {@code each}'s items and outer scope are values of any JSON type (fields typed Object).
 * Read back from the journal ({@link EachExpanded}) or a snapshot ({@link Job}) through the
 * node's real serializers, they must be what was journaled: Java maps and lists. With Jackson's
 * Scala module (in Pekko's default list) they came back as Scala collections, so the children
 * an {@code each} created after a node's restart saw {@code item.value} differently.
 */
class EachItemsSerializationTest {
  private static final List<Object> ITEMS = List.of(Map.of("k", "v", "n", 1), List.of("a", "b"), 5, "s");
  private static final Map<String, Object> SCOPE = Map.of("outer", Map.of("x", 1));
  private static ActorTestKit kit;
  private static Serialization serialization;

  @BeforeAll
  static void start() {
    kit = ActorTestKit.create(ConfigFactory.parseString("pekko.actor.provider = local")
        .withFallback(ConfigFactory.load()));
    serialization = SerializationExtension.get(Adapter.toClassic(kit.system()));
  }

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  private static <T> T roundTrip(T value) {
    var serializer = serialization.findSerializerFor(value);
    byte[] bytes = serialization.serialize(value).get();
    @SuppressWarnings("unchecked")
    T back = (T) serialization.deserialize(bytes, serializer.identifier(), Serializers.manifestFor(serializer, value))
        .get();
    return back;
  }

  @Test
  void anEachExpandedEventComesBackFromTheJournalAsItWasWritten() {
    EachExpanded back = roundTrip(new EachExpanded("t1", ITEMS, "item", SCOPE, Instant.now()));
    assertThat(back.items()).isEqualTo(ITEMS);
    assertThat(back.items().get(0)).isInstanceOf(Map.class);
    assertThat(back.items().get(1)).isInstanceOf(List.class);
    assertThat(back.scope()).isEqualTo(SCOPE);
  }

  @Test
  void anEachsItemsComeBackFromASnapshotAsTheyWereWritten() {
    Job job = Job.empty("j1").withEach("t1", EachItems.of(ITEMS, "item", SCOPE));
    EachItems back = roundTrip(job).eachOf("t1");
    assertThat(back.items()).isEqualTo(ITEMS);
    assertThat(back.scope()).isEqualTo(SCOPE);
  }
}
