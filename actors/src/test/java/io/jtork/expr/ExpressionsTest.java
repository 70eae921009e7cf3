package io.jtork.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ExpressionsTest {
  private final Expressions ex = new Expressions();
  private final Map<String, Object> scope = Scope.of(
      Map.of("id", "abc", "name", "my job"),
      Map.of("x", "hello", "lines", "a\nb\nc", "TAG", "mantic", "json", "[{\"n\":1},{\"n\":2.5}]"),
      Map.of("token", "s3cr3t"),
      Map.of("task1", "hello world"));

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{{ inputs.x }}|hello",
      "{{inputs.x}}y|helloy",
      "ubuntu:{{ inputs.TAG }}|ubuntu:mantic",
      "{{ tasks.task1 }}|hello world",
      "{{ 1 + 1 }}|2",
      "{{ 10 / 4 }}|2.5",
      "{{ 10 / 5 }}|2",
      "{{ 1 == 1 }}|true",
      "{{ job.id }}-{{ job.name }}|abc-my job",
      "{{ sequence(1,5) }}|[1 2 3 4]",
      "{{ len(sequence(1,5)) }}|4",
      "{{ [1,2,3] }}|[1 2 3]",
      "{{ ['a','b'] }}|[a b]",
      "{{ fromJSON('[1,2,3]') }}|[1 2 3]",
      "{{ fromJSON(inputs.json)[1].n }}|2.5",
      "{{ fromJSON(inputs.json)[0].n }}|1",
      "{{ split(inputs.lines, '\\n') }}|[a b c]",
      "{{ len(inputs.x) }}|5",
      "{{ tasks.missing }}|''",
      "{{ inputs.x == 'hello' ? 'yes' : 'no' }}|yes",
      "{{ 1e6 * 1.0 }}|1e+06",
      "{{ 0.00001 * 1.0 }}|1e-05",
      "{{ int('42') + 1 }}|43",
      "{{ float('2') / 4 }}|0.5",
      "{{ upper(inputs.x) }}|HELLO",
      "{{ {'b': 1, 'a': 'x'} }}|map[a:x b:1]",
      "{{ null }}|<nil>",
      "no braces at all|no braces at all",
  })
  void rendersTorkTemplates(String template, String expected) throws Exception {
    assertThat(ex.template(template, scope)).isEqualTo(expected);
  }

  @Test
  void comparesJobStateLikeTorkWebhooks() throws Exception {
    Map<String, Object> s = Map.of("job", Map.of("State", "COMPLETED"));
    assertThat(ex.evaluateWhole("{{ job.State == 'COMPLETED' }}", s)).isEqualTo(true);
  }

  @Test
  void sequenceExcludesTheEndAndReturnsAList() throws Exception {
    assertThat(ex.evaluateWhole("{{ sequence(1,5) }}", scope)).isEqualTo(List.of(1L, 2L, 3L, 4L));
    assertThat(ex.evaluateWhole("sequence(5,1)", scope)).isEqualTo(List.of());
  }

  @Test
  void randomIntStaysBelowItsBound() throws Exception {
    for (int i = 0; i < 50; i++) {
      assertThat((Long) ex.evaluate("randomInt(3)", scope)).isBetween(0L, 2L);
    }
    assertThat((Long) ex.evaluate("randomInt()", scope)).isNotNegative();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "inputs.x.class", "''.getClass()", "inputs.getClass()", "'x'.repeat(3)",
      "java.lang.System.exit(1)", "x = 1", "new('java.io.File', '/etc/passwd')",
      "inputs.x.bytes", "tasks.class.forName('java.lang.Runtime')",
  })
  void cannotReachJava(String expression) {
    assertThatThrownBy(() -> ex.evaluate(expression, scope)).isInstanceOf(ExpressionException.class);
  }

  @Test
  void mapKeysNamedLikeJavaPropertiesAreJustKeys() throws Exception {
    assertThat(ex.evaluate("inputs.class", scope)).isEqualTo("");
  }

  @Test
  void stringPlusNumberIsAnErrorAsInExpr() {
    assertThatThrownBy(() -> ex.evaluate("'1' + 1", scope))
        .isInstanceOf(ExpressionException.class)
        .hasMessageContaining("error evaluating expression: '1' + 1");
  }

  @Test
  void unknownVariablesAndSyntaxErrorsAreReported() {
    assertThatThrownBy(() -> ex.evaluate("nosuch.thing", scope)).hasMessageStartingWith("error evaluating expression");
    assertThat(ex.check("1 +")).get().asString().startsWith("error compiling expression");
    assertThat(ex.check("inputs.x == 'a'")).isEmpty();
  }

  @Test
  void boundsWhatAnExpressionCanBuildOrCost() throws Exception {
    assertThatThrownBy(() -> ex.evaluate("sequence(0, 1000000000)", scope)).hasMessageContaining("over the limit of 100000 (limit expression.list)");
    assertThat(ex.evaluateWhole("{{ [1, 2] + [3] }}", scope)).isEqualTo(List.of(1, 2, 3));
    assertThatThrownBy(() -> ex.evaluate("sequence(0, 90000) + sequence(0, 90000)", scope))
        .hasMessageContaining("the list would have 180000 items, over the limit of 100000 (limit expression.list)");
    assertThatThrownBy(() -> ex.evaluate("repeat('x', 100000000)", scope)).hasMessageContaining("limit expression.string");
    assertThat(ex.check("(".repeat(3000) + "1" + ")".repeat(3000))).get().asString().contains("nested deeper");
    assertThat(ex.check("1+".repeat(20000) + "1")).get().asString().contains("longer than");
    assertThatThrownBy(() -> ex.evaluate("'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' =~ '(.*a){14}b'", scope))
        .hasMessageContaining("too long");
  }

  @Test
  void rewritesIntOnlyOutsideStrings() {
    assertThat(Expressions.rewrite("int(x) + 'int(' ")).isEqualTo("toInt(x) + 'int(' ");
  }
}
