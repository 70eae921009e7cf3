package io.jtork.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * The worker's stable name, kept in {@code <data-dir>/worker-id}: a node that was killed and
 * starts again on the same data directory finds the containers, volumes and networks that its
 * earlier life labelled with it, and removes them.
 */
final class WorkerIdentity {
  private WorkerIdentity() {}

  static String stableId(Path dataDir) {
    Path file = dataDir.resolve("worker-id");
    try {
      if (Files.exists(file)) {
        String id = Files.readString(file, StandardCharsets.UTF_8).trim();
        if (id.matches("[0-9a-f]{32}")) return id;
      }
      Files.createDirectories(dataDir);
      String id = UUID.randomUUID().toString().replace("-", "");
      Files.writeString(file, id + "\n", StandardCharsets.UTF_8);
      return id;
    } catch (IOException e) {
      throw new UncheckedIOException("could not read or write " + file, e);
    }
  }
}
