package io.jtork.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.jtork.json.Json;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Parses a job file strictly, the way Tork's API does ({@code DisallowUnknownFields} for JSON,
 * {@code KnownFields(true)} for YAML), but reports every unknown field and every value of the
 * wrong type in one go, each with its path ({@code tasks[0].imagee: unknown field}).
 *
 * <p>Jackson parses the document into a tree and binds it; in between, {@link SpecShape}
 * checks the tree against the records. That check is ours because Jackson stops at the first
 * unknown field, and its problem handler reports unreliable paths for records (whose
 * properties it buffers before calling the constructor).
 */
public final class JobSpecReader {

  /** The formats a job can be submitted in. */
  public enum Format {
    JSON, YAML;

    /** Tork's content types, matched on the media type alone (parameters such as charset are ignored). */
    public static Optional<Format> ofContentType(String mediaType) {
      if (mediaType == null) return Optional.empty();
      String m = mediaType.toLowerCase(Locale.ROOT).split(";", 2)[0].trim();
      return switch (m) {
        case "application/json" -> Optional.of(JSON);
        case "text/yaml", "application/x-yaml", "application/yaml" -> Optional.of(YAML);
        default -> Optional.empty();
      };
    }
  }

  private JobSpecReader() {}

  public static JobSpec readJob(String body, Format format) throws InvalidSpecException {
    return read(body, format, JobSpec.class);
  }

  public static <T> T read(String body, Format format, Class<T> type) throws InvalidSpecException {
    if (body == null || body.isBlank()) {
      throw new InvalidSpecException(List.of(new SpecError("", "the request body is empty")));
    }
    ObjectMapper mapper = format == Format.JSON ? Json.json() : Json.yaml();
    JsonNode tree;
    try {
      tree = mapper.readTree(body);
    } catch (JsonProcessingException e) {
      throw new InvalidSpecException(List.of(new SpecError("", syntaxMessage(format, e))));
    } catch (RuntimeException e) {
      // snakeyaml reports some malformed documents (bad indentation, tabs) as unchecked exceptions.
      throw new InvalidSpecException(List.of(new SpecError("", formatName(format) + ": " + firstLine(e.getMessage()))));
    }
    if (tree == null || tree.isMissingNode() || tree.isNull()) {
      throw new InvalidSpecException(List.of(new SpecError("", "the document is empty")));
    }
    List<SpecError> errors = new ArrayList<>();
    SpecShape.check(tree, type, errors, format == Format.JSON);
    if (!errors.isEmpty()) throw new InvalidSpecException(errors);
    try {
      return (format == Format.JSON ? Json.strictJson() : Json.strictYaml()).treeToValue(tree, type);
    } catch (MismatchedInputException e) {
      JsonNode node = at(tree, e.getPath());
      String message = node == null || e.getTargetType() == null ? firstLine(e.getOriginalMessage())
          : "must be " + expected(e.getTargetType()) + " (got " + describe(node) + ")";
      throw new InvalidSpecException(List.of(new SpecError(pathOf(e), message)));
    } catch (JsonMappingException e) {
      throw new InvalidSpecException(List.of(new SpecError(pathOf(e), firstLine(e.getOriginalMessage()))));
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new InvalidSpecException(List.of(new SpecError("", firstLine(e.getMessage()))));
    }
  }

  private static JsonNode at(JsonNode tree, List<JsonMappingException.Reference> path) {
    JsonNode n = tree;
    for (JsonMappingException.Reference r : path) {
      if (n == null) return null;
      n = r.getFieldName() != null ? n.get(r.getFieldName()) : r.getIndex() >= 0 ? n.get(r.getIndex()) : n;
    }
    return n;
  }

  private static String expected(Class<?> type) {
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class) return "a whole number";
    if (type == Double.class || type == double.class || type == Float.class || type == float.class) return "a number";
    if (type == Boolean.class || type == boolean.class) return "true or false";
    if (type == String.class) return "a string";
    if (Collection.class.isAssignableFrom(type)) return "a list";
    return "an object";
  }

  private static String describe(JsonNode n) {
    if (n.isTextual()) {
      String t = n.asText();
      return "the string \"" + (t.length() > 100 ? t.substring(0, 100) + "…" : t) + "\"";
    }
    if (n.isNumber()) return "the number " + n.asText();
    if (n.isBoolean()) return n.asText();
    if (n.isArray()) return "a list";
    if (n.isObject()) return "an object";
    return n.getNodeType().toString().toLowerCase(Locale.ROOT);
  }

  private static String formatName(Format f) {
    return f == Format.JSON ? "invalid JSON" : "invalid YAML";
  }

  private static String syntaxMessage(Format format, JsonProcessingException e) {
    String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()
        + ", column " + e.getLocation().getColumnNr();
    return formatName(format) + where + ": " + firstLine(e.getOriginalMessage());
  }

  private static String firstLine(String s) {
    if (s == null) return "unreadable document";
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  /** {@code tasks[0].retry.limit} from Jackson's reference chain. */
  static String pathOf(JsonMappingException e) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference r : e.getPath()) {
      if (r.getFieldName() != null) {
        if (sb.length() > 0) sb.append('.');
        sb.append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        sb.append('[').append(r.getIndex()).append(']');
      }
    }
    return sb.toString();
  }
}
