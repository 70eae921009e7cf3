package io.jtork.json;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.module.paramnames.ParameterNamesModule;
import java.io.UncheckedIOException;
import java.time.Instant;

/** Shared, thread-safe mappers. */
public final class Json {
  private static final ObjectMapper JSON = configure(JsonMapper.builder()
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build());
  private static final ObjectMapper YAML = configure(YAMLMapper.builder(new YAMLFactory())
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build());

  private static final ObjectMapper STRICT_JSON = strict(JSON.copy(), true);
  private static final ObjectMapper STRICT_YAML = strict(YAML.copy(), false);

  private Json() {}

  /**
   * What user input (a submitted job) is bound with: a string is never read as a number or a
   * boolean, nor a fraction as a whole number. In JSON a number or boolean is not read as a
   * string either (Go's encoding/json refuses it too); in YAML it is, since {@code name: 123} and
   * {@code env: {N: 5}} are plain scalars there (Go's yaml.v3 reads them as strings too), while
   * {@code limit: "3"} is a quoted string and is refused.
   */
  private static ObjectMapper strict(ObjectMapper m, boolean json) {
    m.disable(MapperFeature.ALLOW_COERCION_OF_SCALARS);
    m.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
    for (LogicalType t : new LogicalType[] {LogicalType.Integer, LogicalType.Float, LogicalType.Boolean}) {
      m.coercionConfigFor(t).setCoercion(CoercionInputShape.String, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
    }
    m.coercionConfigFor(LogicalType.Boolean).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
    m.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
    if (json) {
      m.coercionConfigFor(LogicalType.Textual).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    }
    return m;
  }

  /** The mapper that binds user input strictly (see {@link #strict}). */
  public static ObjectMapper strictJson() {
    return STRICT_JSON;
  }

  public static ObjectMapper strictYaml() {
    return STRICT_YAML;
  }

  private static ObjectMapper configure(ObjectMapper m) {
    return m.registerModule(new JavaTimeModule())
        // the same text as JavaTimeModule's, several times faster (see IsoInstantSerializer)
        .registerModule(new SimpleModule("jtork-instant").addSerializer(Instant.class, IsoInstantSerializer.INSTANCE))
        .registerModule(new Jdk8Module())
        .registerModule(new ParameterNamesModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
        .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .setSerializationInclusion(JsonInclude.Include.NON_NULL);
  }

  public static ObjectMapper json() {
    return JSON;
  }

  public static ObjectMapper yaml() {
    return YAML;
  }

  public static String write(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static <T> T read(String text, Class<T> type) {
    try {
      return JSON.readValue(text, type);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static <T> T read(String text, TypeReference<T> type) {
    try {
      return JSON.readValue(text, type);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
