package io.jtork.spec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.deser.ValueInstantiator;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.jtork.json.Json;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;

/**
 * Parses a job file strictly, the way Tork's API does ({@code DisallowUnknownFields} for JSON,
 * {@code KnownFields(true)} for YAML), but reports every unknown field and every value of the
 * wrong type in one go instead of stopping at the first. Jackson does the parsing; a problem
 * handler records each problem with its path and lets parsing continue.
 */
public final class JobSpecReader {

  /** The formats a job can be submitted in. */
  public enum Format {
    JSON, YAML;

    /** Tork's content types, matched on the media type alone (parameters such as charset are ignored). */
    public static java.util.Optional<Format> ofContentType(String mediaType) {
      if (mediaType == null) return java.util.Optional.empty();
      String m = mediaType.toLowerCase(Locale.ROOT).split(";", 2)[0].trim();
      return switch (m) {
        case "application/json" -> java.util.Optional.of(JSON);
        case "text/yaml", "application/x-yaml", "application/yaml" -> java.util.Optional.of(YAML);
        default -> java.util.Optional.empty();
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
    Collector collector = new Collector();
    ObjectReader reader = mapper.readerFor(type).withHandler(collector);
    T value;
    try {
      value = reader.readValue(body);
    } catch (JsonMappingException e) {
      collector.errors.add(new SpecError(pathOf(e), describe(e)));
      throw new InvalidSpecException(collector.errors);
    } catch (JsonProcessingException e) {
      collector.errors.add(new SpecError("", syntaxMessage(format, e)));
      throw new InvalidSpecException(collector.errors);
    } catch (IOException | RuntimeException e) {
      // snakeyaml reports some malformed documents (bad indentation, tabs) as unchecked exceptions.
      collector.errors.add(new SpecError("", (format == Format.JSON ? "invalid JSON" : "invalid YAML") + ": "
          + firstLine(e.getMessage())));
      throw new InvalidSpecException(collector.errors);
    }
    if (!collector.errors.isEmpty()) throw new InvalidSpecException(collector.errors);
    if (value == null) {
      throw new InvalidSpecException(List.of(new SpecError("", "the document is empty")));
    }
    return value;
  }

  private static String syntaxMessage(Format format, JsonProcessingException e) {
    String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()
        + ", column " + e.getLocation().getColumnNr();
    return (format == Format.JSON ? "invalid JSON" : "invalid YAML") + where + ": " + firstLine(e.getOriginalMessage());
  }

  private static String firstLine(String s) {
    if (s == null) return "unreadable document";
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private static String describe(JsonMappingException e) {
    if (e instanceof MismatchedInputException mie && mie.getTargetType() != null) {
      return "expected " + typeName(mie.getTargetType());
    }
    return firstLine(e.getOriginalMessage());
  }

  static String typeName(Class<?> c) {
    if (c == String.class) return "a string";
    if (c == Integer.class || c == int.class || c == Long.class || c == long.class) return "an integer";
    if (c == Double.class || c == double.class) return "a number";
    if (c == Boolean.class || c == boolean.class) return "true or false";
    if (java.util.List.class.isAssignableFrom(c)) return "a list";
    if (java.util.Map.class.isAssignableFrom(c)) return "a map of strings";
    return "an object";
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

  /** {@code tasks[0].imagee} from the parser's position. */
  static String pathOf(JsonStreamContext ctx, String leaf) {
    Deque<String> parts = new ArrayDeque<>();
    if (leaf != null) parts.push("." + leaf);
    for (JsonStreamContext c = ctx; c != null && !c.inRoot(); c = c.getParent()) {
      if (c.inArray()) {
        parts.push("[" + Math.max(c.getCurrentIndex(), 0) + "]");
      } else if (c.inObject() && c.getCurrentName() != null && c != ctx) {
        parts.push("." + c.getCurrentName());
      } else if (c.inObject() && c.getCurrentName() != null && leaf == null) {
        parts.push("." + c.getCurrentName());
      }
    }
    String p = String.join("", parts);
    return p.startsWith(".") ? p.substring(1) : p;
  }

  /** Records each problem and lets Jackson carry on, so the user sees them all. */
  private static final class Collector extends DeserializationProblemHandler {
    final List<SpecError> errors = new ArrayList<>();

    @Override
    public boolean handleUnknownProperty(DeserializationContext ctxt, JsonParser p, JsonDeserializer<?> deserializer,
        Object beanOrClass, String propertyName) throws IOException {
      errors.add(new SpecError(pathOf(p.getParsingContext().getParent(), propertyName), "unknown field"));
      p.skipChildren();
      return true;
    }

    @Override
    public Object handleUnexpectedToken(DeserializationContext ctxt, JavaType targetType, JsonToken t, JsonParser p,
        String failureMsg) throws IOException {
      if (t == JsonToken.VALUE_NULL) return null;
      errors.add(new SpecError(pathOf(p.getParsingContext(), null), "expected " + typeName(targetType.getRawClass())
          + ", got " + tokenName(t)));
      p.skipChildren();
      return null;
    }

    @Override
    public Object handleWeirdStringValue(DeserializationContext ctxt, Class<?> targetType, String valueToConvert,
        String failureMsg) throws IOException {
      errors.add(new SpecError(pathOf(ctxt.getParser().getParsingContext(), null),
          "expected " + typeName(targetType) + ", got \"" + abbreviate(valueToConvert) + "\""));
      return null;
    }

    @Override
    public Object handleWeirdNumberValue(DeserializationContext ctxt, Class<?> targetType, Number valueToConvert,
        String failureMsg) throws IOException {
      errors.add(new SpecError(pathOf(ctxt.getParser().getParsingContext(), null),
          "expected " + typeName(targetType) + ", got " + valueToConvert));
      return null;
    }

    @Override
    public Object handleMissingInstantiator(DeserializationContext ctxt, Class<?> instClass,
        ValueInstantiator valueInsts, JsonParser p, String msg) throws IOException {
      errors.add(new SpecError(pathOf(p.getParsingContext(), null), "expected " + typeName(instClass)
          + ", got " + tokenName(p.currentToken())));
      p.skipChildren();
      return null;
    }

    private static String tokenName(JsonToken t) {
      if (t == null) return "nothing";
      return switch (t) {
        case START_ARRAY -> "a list";
        case START_OBJECT -> "an object";
        case VALUE_STRING -> "a string";
        case VALUE_NUMBER_INT -> "an integer";
        case VALUE_NUMBER_FLOAT -> "a number";
        case VALUE_TRUE, VALUE_FALSE -> "a boolean";
        default -> t.asString() == null ? t.name().toLowerCase(Locale.ROOT) : t.asString();
      };
    }

    private static String abbreviate(String s) {
      return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }
  }
}
