package io.jtork.multijvm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A directory that a test and its shell tasks share. On a node running as root, each task runs
 * as a user of its own (docs/shell-tasks.md), who can neither enter a {@code @TempDir}
 * ({@code rwx------}) nor write a file another task created: the test's folder is made searchable
 * ({@code rwx--x--x}, still not listable), and the files tasks write are created beforehand,
 * writable by all.
 */
final class TaskSharedDir {
  private TaskSharedDir() {}

  /** {@code <tempDir>/shared}, which every task may read and write. */
  static Path in(Path tempDir) throws IOException {
    Files.setPosixFilePermissions(tempDir, PosixFilePermissions.fromString("rwx--x--x"));
    Path shared = tempDir.resolve("shared");
    Files.createDirectories(shared);
    Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
    return shared;
  }

  /** {@code file}, created empty if need be, that tasks of any user may append to; its folder made searchable. */
  static Path appendable(Path file) throws IOException {
    Files.setPosixFilePermissions(file.getParent(), PosixFilePermissions.fromString("rwx--x--x"));
    return file(file.getParent(), file.getFileName().toString());
  }

  /** An empty file in {@code dir} that tasks of any user may append to. */
  static Path file(Path dir, String name) throws IOException {
    Path f = dir.resolve(name);
    if (!Files.exists(f)) Files.createFile(f);
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-rw-rw-"));
    return f;
  }
}
