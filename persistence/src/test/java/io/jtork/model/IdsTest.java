package io.jtork.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

class IdsTest {

  @Test
  void aNewIdIsTorksShapeAndAUuidOfVersion7() {
    String id = Ids.newId();
    assertTrue(Ids.isValid(id), id);
    UUID uuid = UUID.fromString(id.replaceFirst("(.{8})(.{4})(.{4})(.{4})(.{12})", "$1-$2-$3-$4-$5"));
    assertEquals(7, uuid.version(), id);
    assertEquals(2, uuid.variant(), id);
  }

  @Test
  void idsDrawnLaterSortLaterAndItsFirstTwelveCharactersAreTheTime() {
    long before = System.currentTimeMillis();
    String first = Ids.newId();
    long drawnAt = System.currentTimeMillis();
    Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(1))
        .until(() -> System.currentTimeMillis() > drawnAt);
    String second = Ids.newId();
    long after = System.currentTimeMillis();
    assertTrue(first.compareTo(second) < 0, first + " then " + second);
    long shown = Long.parseLong(first.substring(0, 12), 16);
    assertTrue(shown >= before && shown <= after, shown + " not in [" + before + ", " + after + "]");
  }

  @Test
  void idsOfTheSameMillisecondDifferInTheirRandomBits() {
    List<String> drawn = new ArrayList<>();
    for (int i = 0; i < 100_000; i++) drawn.add(Ids.newId());
    assertEquals(100_000, new HashSet<>(drawn).size());
    Set<String> tails = new HashSet<>();
    for (String id : drawn) tails.add(id.substring(16));
    assertEquals(100_000, tails.size());
    // Not a counter: an id drawn right after another in the same millisecond is not the next number,
    // which would make the ids of one millisecond guessable from one of them.
    int sameMillisecond = 0;
    for (int i = 1; i < drawn.size(); i++) {
      String a = drawn.get(i - 1);
      String b = drawn.get(i);
      if (!a.substring(0, 12).equals(b.substring(0, 12))) continue;
      sameMillisecond++;
      assertNotEquals(BigInteger.ONE, new BigInteger(b, 16).subtract(new BigInteger(a, 16)).abs(), a + " then " + b);
    }
    assertTrue(sameMillisecond > 0, "no two ids drawn in the same millisecond");
  }

  @Test
  void aSuffixIsTwelveRandomHexCharacters() {
    Set<String> suffixes = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      String s = Ids.newSuffix();
      assertTrue(s.matches("[0-9a-f]{12}"), s);
      suffixes.add(s);
    }
    assertEquals(10_000, suffixes.size());
  }
}
