package io.jtork.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.StringLength;

/**
 * Every function, operator and range that builds a list or a string is bounded before it
 * allocates, for any input (the largest ones included), and the bound's message names the limit.
 */
class TorkFunctionsTest {
  private final Expressions ex = new Expressions();
  private final Map<String, Object> scope = Map.of("inputs", Map.of());

  @Property(tries = 300)
  void sequenceIsBoundedForAnyEnds(@ForAll long a, @ForAll long b) {
    BigInteger size = BigInteger.valueOf(b).subtract(BigInteger.valueOf(a)).max(BigInteger.ZERO);
    if (size.compareTo(BigInteger.valueOf(Limits.MAX_LIST)) > 0) {
      assertThatThrownBy(() -> TorkFunctions.sequence(a, b)).isInstanceOf(LimitException.class)
          .hasMessageContaining("limit expression.list").hasMessageContaining("100000");
    } else {
      List<Object> out = TorkFunctions.sequence(a, b);
      assertThat(out).hasSize(size.intValueExact());
      if (!out.isEmpty()) assertThat(out.get(0)).isEqualTo(a);
    }
  }

  @Property(tries = 200)
  void sequenceNearTheLimit(@ForAll @LongRange(min = -2, max = 2) long delta, @ForAll long start) {
    long a = Math.min(start, Long.MAX_VALUE - Limits.MAX_LIST - 2);
    long b = a + Limits.MAX_LIST + delta;
    if (delta > 0) assertThatThrownBy(() -> TorkFunctions.sequence(a, b)).isInstanceOf(LimitException.class);
    else assertThat(TorkFunctions.sequence(a, b)).hasSize((int) (b - a));
  }

  @Property(tries = 300)
  void repeatIsBoundedForAnyCount(@ForAll @StringLength(max = 50) String s, @ForAll long n) {
    if (n < 0) {
      assertThatThrownBy(() -> TorkFunctions.repeat(s, n)).isInstanceOf(IllegalArgumentException.class);
    } else if (BigInteger.valueOf(n).multiply(BigInteger.valueOf(s.length())).compareTo(BigInteger.valueOf(Limits.MAX_STRING)) > 0) {
      assertThatThrownBy(() -> TorkFunctions.repeat(s, n)).isInstanceOf(LimitException.class)
          .hasMessageContaining("limit expression.string");
    } else {
      assertThat(TorkFunctions.repeat(s, n)).hasSize((int) (n * s.length()));
    }
  }

  @Property(tries = 60)
  void replaceIsBoundedBeforeItBuilds(@ForAll @IntRange(max = 1_000_000) int textLength,
      @ForAll @IntRange(max = 3000) int replacementLength, @ForAll boolean emptyOld) {
    String text = "a".repeat(textLength);
    String old = emptyOld ? "" : "a";
    String replacement = "b".repeat(replacementLength);
    long count = emptyOld ? textLength + 1L : textLength;
    long expected = textLength + count * (replacementLength - old.length());
    if (expected > Limits.MAX_STRING) {
      assertThatThrownBy(() -> TorkFunctions.replace(text, old, replacement)).isInstanceOf(LimitException.class)
          .hasMessageContaining("replace").hasMessageContaining("limit expression.string");
    } else {
      String out = TorkFunctions.replace(text, old, replacement);
      assertThat(out).hasSize((int) expected).isEqualTo(text.replace(old, replacement));
    }
  }

  @Property(tries = 60)
  void splitIsBoundedBeforeItBuilds(@ForAll @IntRange(max = 1_000_000) int textLength, @ForAll boolean emptySep) {
    String text = "a,".repeat(textLength / 2);
    long parts = emptySep ? text.length() : textLength / 2 + 1;
    if (parts > Limits.MAX_LIST) {
      assertThatThrownBy(() -> TorkFunctions.split(text, emptySep ? "" : ",")).isInstanceOf(LimitException.class)
          .hasMessageContaining("split").hasMessageContaining("limit expression.list");
    } else {
      assertThat(TorkFunctions.split(text, emptySep ? "" : ",")).hasSize((int) parts);
    }
  }

  @Property(tries = 200)
  void rangesAreBoundedForAnyEnds(@ForAll long a, @ForAll long b) {
    BigInteger size = BigInteger.valueOf(b).subtract(BigInteger.valueOf(a)).abs().add(BigInteger.ONE);
    String expression = "len(" + a + " .. " + b + ")";
    if (a == Long.MIN_VALUE || b == Long.MIN_VALUE) return; // not a literal JEXL can parse
    if (size.compareTo(BigInteger.valueOf(Limits.MAX_LIST)) > 0) {
      assertThatThrownBy(() -> ex.evaluate(expression, scope)).isInstanceOf(ExpressionException.class)
          .hasMessageContaining("limit expression.list");
    } else {
      try {
        assertThat(((Number) ex.evaluate(expression, scope)).longValue()).isEqualTo(size.longValueExact());
      } catch (ExpressionException e) {
        throw new AssertionError(e);
      }
    }
  }

  @Property(tries = 100)
  void concatenationIsBounded(@ForAll @IntRange(max = 1_000_000) int left, @ForAll @IntRange(max = 1_000_000) int right) {
    String expression = "len(repeat('a', " + left + ") + repeat('b', " + right + "))";
    if ((long) left + right > Limits.MAX_STRING) {
      assertThatThrownBy(() -> ex.evaluate(expression, scope)).hasMessageContaining("limit expression.string");
    } else {
      try {
        assertThat(ex.evaluate(expression, scope)).isEqualTo(left + right);
      } catch (ExpressionException e) {
        throw new AssertionError(e);
      }
    }
  }

  @Property(tries = 50)
  void everyStringFunctionIsBoundedOnTheLargestInput(@ForAll("functions") String call) {
    // The largest string an expression can make, fed to each function that builds text or lists.
    String expression = call.replace("BIG", "repeat('ß', 1000000)");
    try {
      Object out = ex.evaluate(expression, scope);
      assertThat(GoValues.render(out).length()).isLessThanOrEqualTo(Limits.MAX_STRING);
    } catch (ExpressionException e) {
      assertThat(e).hasMessageContaining("(limit expression.");
    }
  }

  @Provide
  Arbitrary<String> functions() {
    return Arbitraries.of("upper(BIG)", "lower(BIG)", "toBase64(BIG)", "fromBase64(toBase64(BIG))", "string(BIG)",
        "toJSON(BIG)", "toJSON(split(BIG, ''))", "split(BIG, '')", "split(BIG, 'ß')", "replace(BIG, 'ß', 'ss')",
        "replace(BIG, '', 'x')", "repeat(BIG, 2)", "BIG + BIG", "BIG + 'x'", "join(split(BIG, ''), ',')",
        "join([BIG, BIG], '')", "[BIG, BIG, BIG, BIG, BIG, BIG, BIG, BIG, BIG]", "concat(sequence(0, 60000), sequence(0, 60000))",
        "fromJSON('[' + repeat('0,', 200000) + '0]')", "fromJSON('\"' + BIG + '\"')", "keys(fromJSON('{}'))", "uniq(split(BIG, ''))",
        "len(BIG) + len(BIG)", "indexOf(BIG, repeat('ß', 2000) + 'a')", "lastIndexOf(BIG, 'a' + repeat('ß', 2000))",
        "trim(BIG)", "trimPrefix(BIG, 'ß')", "BIG =~ '(ß*)*a'");
  }

  @Example
  void theReproductionsFailNamingTheLimitQuickly() {
    String[] reproductions = {
        "sequence(-5000000000000000000, 5000000000000000000)",
        "replace(repeat('a',1000000),'a',repeat('b',2000))",
        "split(repeat('a', 1000000), '')",
        "repeat('ab', 9000000000000000000)",
        "0 .. 9000000000000000000",
    };
    for (String r : reproductions) {
      long start = System.nanoTime();
      assertThatThrownBy(() -> ex.template("{{ " + r + " }}", scope)).isInstanceOf(ExpressionException.class)
          .hasMessageContaining("(limit expression.");
      assertThat((System.nanoTime() - start) / 1_000_000).as(r).isLessThan(2000);
    }
  }

  @Example
  void oneEvaluationBuildsAtMostTheTotalBudget() {
    String nine = String.join(", ", java.util.Collections.nCopies(9, "repeat('a', 1000000)"));
    assertThatThrownBy(() -> ex.evaluate("len([" + nine + "])", scope))
        .hasMessageContaining("more than 8000000 characters and list items in all (limit expression.total)");
    // Each evaluation has its own budget: the same work twice in two evaluations is fine.
    String seven = String.join(", ", java.util.Collections.nCopies(7, "repeat('a', 1000000)"));
    for (int i = 0; i < 2; i++) assertThat(assertDoesNotThrow("len([" + seven + "])")).isEqualTo(7);
  }

  @Example
  void evaluationRunsUnderADeadline() {
    // Each search costs about 1e9 character comparisons; ten of them outlast the one-second deadline.
    String search = "indexOf(repeat('a', 1000000), repeat('a', 1000) + 'b')";
    String expression = String.join(" + ", java.util.Collections.nCopies(10, search));
    long start = System.nanoTime();
    assertThatThrownBy(() -> ex.evaluate(expression, scope))
        .hasMessageContaining("took longer than 1000 ms (limit expression.time)");
    assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(2000);
  }

  @Example
  void backtickInterpolationCannotBuildUnboundedText() throws ExpressionException {
    Map<String, Object> big = Map.of("inputs", Map.of("x", "a".repeat(200_000)));
    assertThatThrownBy(() -> ex.evaluate("`${inputs.x}${inputs.x}${inputs.x}${inputs.x}${inputs.x}${inputs.x}`", big))
        .hasMessageContaining("interpolation in backtick strings");
    assertThatThrownBy(() -> ex.evaluate(String.join(" + ", java.util.Collections.nCopies(6, "inputs.x")), big))
        .hasMessageContaining("limit expression.string");
    assertThat(ex.evaluate("`raw`", big)).isEqualTo("raw");
  }

  @Example
  void renderedValuesAreBounded() {
    assertThatThrownBy(() -> ex.template("{{ repeat('a', 600000) }}{{ repeat('b', 600000) }}", scope))
        .hasMessageContaining("longer than 1000000 characters (limit expression.rendered)");
    assertThatThrownBy(() -> ex.template("{{ [repeat('a', 600000), repeat('b', 600000)] }}", scope))
        .hasMessageContaining("(limit expression.rendered)");
  }

  @Example
  void errorMessagesQuoteAtMostTwoHundredCharactersOfTheExpression() {
    String longExpression = "repeat('a', 2000000) + '" + "x".repeat(5000) + "'";
    assertThatThrownBy(() -> ex.evaluate(longExpression, scope))
        .satisfies(e -> assertThat(e.getMessage().length()).isLessThan(500));
  }

  private Object assertDoesNotThrow(String expression) {
    try {
      return ex.evaluate(expression, scope);
    } catch (ExpressionException e) {
      throw new AssertionError(e);
    }
  }
}
