package io.jtork.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** jtork's Instant serializer writes what java.time's ISO_INSTANT and JavaTimeModule write. */
class IsoInstantSerializerTest {
  private static final JsonMapper JAVA_TIME = JsonMapper.builder().addModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build();

  @Test
  void writesWhatIsoInstantWritesAtTheEdges() throws Exception {
    List<Instant> edges = List.of(Instant.EPOCH, Instant.ofEpochSecond(0, 1), Instant.ofEpochSecond(59, 999_999_999),
        Instant.ofEpochSecond(60), Instant.parse("2024-02-29T23:59:59.5Z"), Instant.parse("2026-11-29T22:06:00Z"),
        Instant.parse("2026-11-29T22:06:24.123Z"), Instant.parse("2026-11-29T22:06:24.123456Z"),
        Instant.parse("2026-11-29T22:06:24.000001Z"), Instant.parse("2026-11-29T22:06:24.100000001Z"),
        Instant.parse("2000-01-01T00:00:00.010Z"), Instant.ofEpochSecond(253_402_300_799L, 999_999_999),
        Instant.ofEpochSecond(253_402_300_800L), Instant.ofEpochSecond(-1, 500_000_000),
        Instant.parse("1969-07-20T20:17:40Z"), Instant.MIN, Instant.MAX);
    for (Instant i : edges) {
      assertThat(IsoInstantSerializer.format(i)).as("%s", i).isEqualTo(DateTimeFormatter.ISO_INSTANT.format(i));
      assertThat(Json.write(i)).as("%s", i).isEqualTo(JAVA_TIME.writeValueAsString(i));
    }
    assertThat(Json.write(Instant.parse("2026-11-29T22:06:00Z"))).isEqualTo("\"2026-11-29T22:06:00Z\"");
  }

  @Test
  void writesWhatIsoInstantWritesForRandomInstants() throws Exception {
    SplittableRandom random = new SplittableRandom(20261129);
    List<Instant> all = new ArrayList<>();
    for (int n = 0; n < 200_000; n++) {
      long seconds = random.nextLong(-100_000_000_000L, 300_000_000_000L);
      int nanos = switch (n % 4) {
        case 0 -> 0;
        case 1 -> random.nextInt(1000) * 1_000_000;
        case 2 -> random.nextInt(1_000_000) * 1000;
        default -> random.nextInt(1_000_000_000);
      };
      Instant i = Instant.ofEpochSecond(seconds, nanos);
      assertThat(IsoInstantSerializer.format(i)).as("%s", i).isEqualTo(DateTimeFormatter.ISO_INSTANT.format(i));
      if (n < 2000) all.add(i);
    }
    // inside a value, as the API writes them
    assertThat(Json.write(Map.of("at", all))).isEqualTo(JAVA_TIME.writeValueAsString(Map.of("at", all)));
  }
}
