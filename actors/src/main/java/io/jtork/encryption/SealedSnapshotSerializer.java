package io.jtork.encryption;

import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.serialization.jackson.JacksonCborSerializer;

/**
 * Snapshots of jobs and scheduled jobs: Pekko's Jackson CBOR with timestamps as numbers and LZ4
 * above 32 KiB (binding {@code jtork-snapshot} in {@code conf/serialization.conf}), sealed when a
 * key is set ({@link SealedJacksonSerializer}). A job's snapshot holds every execution, and
 * reading it is most of a big job's recovery: a 10,000-execution job's was 6 MB of JSON in which
 * parsing the 40,000 ISO-8601 timestamps took over half of the time. Snapshots written as JSON
 * before (serializer 730501) are still read by {@link SealedJsonSerializer}.
 */
public final class SealedSnapshotSerializer extends SealedJacksonSerializer {
  public SealedSnapshotSerializer(ExtendedActorSystem system) {
    super(system, new JacksonCborSerializer(system, "jtork-snapshot"));
  }

  @Override
  public int identifier() {
    return 730_502;
  }
}
