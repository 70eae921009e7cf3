package io.jtork.encryption;

import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.serialization.jackson.JacksonJsonSerializer;

/**
 * Events and messages: Pekko's Jackson JSON (binding {@code jackson-json}), readable in the
 * journal when no key is set, sealed when one is ({@link SealedJacksonSerializer}).
 */
public final class SealedJsonSerializer extends SealedJacksonSerializer {
  public SealedJsonSerializer(ExtendedActorSystem system) {
    super(system, new JacksonJsonSerializer(system, "jackson-json"));
  }

  @Override
  public int identifier() {
    return 730_501;
  }
}
