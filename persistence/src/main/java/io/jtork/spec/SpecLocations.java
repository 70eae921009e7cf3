package io.jtork.spec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import io.jtork.json.Json;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Where in a job document each path of a {@link SpecError} is: the line of a field's key, or of
 * a list item's first token. The console shows an error beside its line, and a client can too.
 * Jackson's streaming parser gives each token's location; the tree {@link JobSpecReader} binds
 * keeps none, so the document is read once more, only when it was rejected.
 */
public final class SpecLocations {
  /** A rejected document is within the body limit; these bound the work on one anyway. */
  private static final int MAX_TOKENS = 200_000;
  /** Deeper than any job's fields: a path below it is not looked for (nor built, token by token). */
  private static final int MAX_DEPTH = 64;

  private final Map<String, Integer> lines;
  private final Integer syntaxErrorLine;

  private SpecLocations(Map<String, Integer> lines, Integer syntaxErrorLine) {
    this.lines = lines;
    this.syntaxErrorLine = syntaxErrorLine;
  }

  /**
   * The locations in {@code document} of {@code paths} and of the fields and items that enclose
   * them (only those: a hostile document's other paths are neither kept nor, below
   * {@value #MAX_DEPTH} levels, built); as many as could be read when it does not parse.
   */
  public static SpecLocations of(String document, JobSpecReader.Format format, Collection<String> paths) {
    Set<String> wanted = new HashSet<>();
    for (String path : paths) {
      for (String p = path; p != null && !p.isEmpty(); p = enclosing(p)) wanted.add(p);
    }
    Map<String, Integer> lines = new HashMap<>();
    Integer syntax = null;
    var factory = (format == JobSpecReader.Format.JSON ? Json.json() : Json.yaml()).getFactory();
    try (JsonParser p = factory.createParser(document == null ? "" : document)) {
      JsonToken t;
      int n = 0;
      while ((t = p.nextToken()) != null && n++ < MAX_TOKENS) {
        if (wanted.isEmpty()) continue; // read on only for a syntax error's line
        JsonStreamContext at = t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY
            ? p.getParsingContext().getParent() : p.getParsingContext();
        boolean item = at != null && at.inArray() && t != JsonToken.END_ARRAY && t != JsonToken.END_OBJECT;
        if ((t == JsonToken.FIELD_NAME || item) && at.getNestingDepth() <= MAX_DEPTH) {
          String path = path(at);
          if (wanted.contains(path)) lines.putIfAbsent(path, p.currentTokenLocation().getLineNr());
        }
      }
    } catch (JsonProcessingException e) {
      if (e.getLocation() != null && e.getLocation().getLineNr() > 0) syntax = e.getLocation().getLineNr();
    } catch (IOException | RuntimeException e) {
      // snakeyaml's unchecked errors: the lines read so far are kept
    }
    return new SpecLocations(lines, syntax);
  }

  /**
   * The line of {@code path} ({@code tasks[0].retry.limit}), or of its nearest enclosing field or
   * item that the document has (a missing field's object); for the document as a whole ({@code ""}),
   * the line of a syntax error.
   */
  public OptionalInt lineOf(String path) {
    if (path == null || path.isEmpty()) return syntaxErrorLine == null ? OptionalInt.empty() : OptionalInt.of(syntaxErrorLine);
    for (String p = path; p != null; p = enclosing(p)) {
      Integer line = lines.get(p);
      if (line != null) return OptionalInt.of(line);
    }
    return OptionalInt.empty();
  }

  /** The path of the field or item that encloses {@code path}, or null at the top. */
  private static String enclosing(String path) {
    int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
    return cut <= 0 ? null : path.substring(0, cut);
  }

  /** The path as {@link SpecError} writes it: {@code tasks[0].env.NAME}. */
  private static String path(JsonStreamContext ctx) {
    Deque<String> parts = new ArrayDeque<>();
    for (JsonStreamContext c = ctx; c != null && !c.inRoot(); c = c.getParent()) {
      if (c.inArray()) parts.push("[" + Math.max(0, c.getCurrentIndex()) + "]");
      else if (c.getCurrentName() != null) parts.push("." + c.getCurrentName());
    }
    StringBuilder s = new StringBuilder();
    for (String part : parts) s.append(part);
    return s.length() > 0 && s.charAt(0) == '.' ? s.substring(1) : s.toString();
  }
}
