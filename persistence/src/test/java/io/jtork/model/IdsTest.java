package io.jtork.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
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
  void idsDrawnLaterSortLaterAndItsFirstTwelveCharactersAreTheTime() throws InterruptedException {
    long before = System.currentTimeMillis();
    String first = Ids.newId();
    Thread.sleep(2);
    String second = Ids.newId();
    long after = System.currentTimeMillis();
    assertTrue(first.compareTo(second) < 0, first + " then " + second);
    long shown = Long.parseLong(first.substring(0, 12), 16);
    assertTrue(shown >= before && shown <= after, shown + " not in [" + before + ", " + after + "]");
  }

  @Test
  void idsOfTheSameMillisecondDifferInTheirRandomBits() {
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 100_000; i++) ids.add(Ids.newId());
    assertEquals(100_000, ids.size());
    // Those drawn in one millisecond differ in more than a counter: their last 16 characters are random.
    Set<String> tails = new HashSet<>();
    for (String id : ids) tails.add(id.substring(16));
    assertEquals(100_000, tails.size());
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
