package io.jtork.runtime.docker;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** The tar archives the Docker API copies files in and out of containers with (commons-compress). */
final class Tar {
  record Entry(String contents, int mode) {}

  private Tar() {}

  /** An archive of {@code files} (path → contents and mode), with their parent directories. */
  static InputStream of(Map<String, Entry> files) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      Set<String> dirs = new LinkedHashSet<>();
      for (String path : files.keySet()) {
        for (int i = path.indexOf('/'); i > 0; i = path.indexOf('/', i + 1)) dirs.add(path.substring(0, i + 1));
      }
      for (String dir : dirs) {
        TarArchiveEntry e = new TarArchiveEntry(dir);
        e.setMode(040755);
        tar.putArchiveEntry(e);
        tar.closeArchiveEntry();
      }
      for (Map.Entry<String, Entry> f : files.entrySet()) {
        byte[] data = f.getValue().contents().getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry e = new TarArchiveEntry(f.getKey());
        e.setMode(0100000 | f.getValue().mode());
        e.setSize(data.length);
        tar.putArchiveEntry(e);
        tar.write(data);
        tar.closeArchiveEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new ByteArrayInputStream(bytes.toByteArray());
  }

  /** The contents of the first file in {@code archive}, at most {@code maxBytes} of it. */
  static String firstFile(InputStream archive, int maxBytes) throws IOException {
    try (TarArchiveInputStream tar = new TarArchiveInputStream(archive)) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        if (!e.isFile()) continue;
        byte[] data = tar.readNBytes(maxBytes);
        return new String(data, StandardCharsets.UTF_8);
      }
      return "";
    }
  }
}
