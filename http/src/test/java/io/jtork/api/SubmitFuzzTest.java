package io.jtork.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.jtork.json.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Random YAML and JSON sent to {@code POST /jobs} never gets a 500 or a stack trace: only 200
 * (a job that happens to be valid), 400 with a message, or 413. The node's worker serves no
 * queue, so no generated command ever runs.
 */
class SubmitFuzzTest {
  private static final List<String> FIELDS = List.of("name", "description", "tags", "inputs", "secrets", "output",
      "defaults", "webhooks", "permissions", "autoDelete", "wait", "tasks", "var", "image", "run", "cmd",
      "entrypoint", "env", "files", "queue", "retry", "limit", "limits", "cpus", "memory", "timeout", "priority",
      "pre", "post", "sidecars", "probe", "path", "port", "mounts", "type", "source", "target", "opts", "networks",
      "workdir", "if", "parallel", "each", "list", "concurrency", "task", "subjob", "detached", "url", "headers",
      "event", "after", "role", "user", "gpus", "registry", "username", "password", "initialDelay", "scalingFactor");
  private static TestNode node;

  private static synchronized TestNode node() throws Exception {
    if (node == null) node = TestNode.h2(Map.of("jtork.worker.queues", Map.of("nothing-runs-here", 1)));
    return node;
  }

  @AfterContainer
  static void stop() throws Exception {
    if (node != null) node.close();
    node = null;
  }

  @Property(tries = 400)
  void randomDocumentsNeverCauseAServerError(@ForAll("documents") Object document, @ForAll("formats") String format)
      throws Exception {
    String body = format.endsWith("json") ? Json.json().writeValueAsString(document)
        : Json.yaml().writeValueAsString(document);
    check(node().post("/jobs", format, body));
  }

  @Property(tries = 200)
  void randomTextNeverCausesAServerError(@ForAll("text") String body, @ForAll("formats") String format)
      throws Exception {
    check(node().post("/jobs", format, body));
  }

  private static void check(TestNode.Response r) {
    net.jqwik.api.statistics.Statistics.collect(r.status());
    assertThat(r.status()).as(r.body()).isIn(200, 400, 413);
    assertThat(r.body()).doesNotContain("\tat ").doesNotContain("Exception");
    JsonNode json = r.json();
    if (r.status() != 200) assertThat(json.path("message").asText()).isNotBlank();
  }

  @Provide
  Arbitrary<String> formats() {
    return Arbitraries.of("application/json", "text/yaml", "application/x-yaml");
  }

  @Provide
  Arbitrary<String> text() {
    return Arbitraries.oneOf(
        Arbitraries.strings().all().ofMaxLength(300),
        Arbitraries.strings().withChars("{}[]:-,\"' \n\t#&*!|>%@`").ofMaxLength(80),
        Arbitraries.strings().withChars("abc: {}[]-\n ").ofMaxLength(120));
  }

  @Provide
  Arbitrary<Object> documents() {
    Arbitrary<Object> task = Arbitraries.maps(key(), value(2)).ofMaxSize(6).map(m -> {
      Map<String, Object> t = new LinkedHashMap<>(m);
      return t;
    });
    Arbitrary<Object> job = Arbitraries.maps(key(), value(3)).ofMaxSize(6)
        .flatMap(m -> task.list().ofMaxSize(3).map(tasks -> {
          Map<String, Object> j = new LinkedHashMap<>(m);
          j.putIfAbsent("name", "fuzz");
          j.put("tasks", tasks);
          return (Object) j;
        }));
    return Arbitraries.oneOf(job, value(4));
  }

  private Arbitrary<String> key() {
    return Arbitraries.oneOf(Arbitraries.of(FIELDS), Arbitraries.of(FIELDS), Arbitraries.strings().alpha().ofMaxLength(6));
  }

  private Arbitrary<Object> value(int depth) {
    Arbitrary<Object> leaf = Arbitraries.oneOf(
        Arbitraries.strings().ofMaxLength(12).map(s -> (Object) s),
        expressions().map(s -> (Object) s),
        Arbitraries.integers().map(i -> (Object) i),
        Arbitraries.longs().map(l -> (Object) l),
        Arbitraries.doubles().map(d -> (Object) d),
        Arbitraries.of(true, false).map(b -> (Object) b),
        Arbitraries.of("5s", "-1s", "1h30m", "x", ".5", "512m", "/tork", "volume", "bind", "tmpfs", "x-q", "jobs",
            "http://h/x", "job.StateChange", "").map(s -> (Object) s),
        Arbitraries.just(null));
    if (depth == 0) return leaf;
    Arbitrary<Object> list = value(depth - 1).list().ofMaxSize(3).map(l -> (Object) new ArrayList<>(l));
    Arbitrary<Object> map = Arbitraries.maps(key(), value(depth - 1)).ofMaxSize(4).map(m -> (Object) m);
    return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(4, leaf), net.jqwik.api.Tuple.of(1, list),
        net.jqwik.api.Tuple.of(2, map));
  }

  private Arbitrary<String> expressions() {
    Arbitrary<String> token = Arbitraries.of("1", "2.5", "'a'", "inputs.x", "tasks.y", "job.id", "item.value",
        "secrets.s", "+", "-", "*", "/", "==", "(", ")", "[", "]", ",", "sequence(1,5)", "fromJSON('[1]')",
        "split('a,b', ',')", "len('x')", "randomInt(3)", "nil", "null", "int('x')", "'x' =~ 'x'", "?", ":", "}}", "{{");
    return token.list().ofMinSize(1).ofMaxSize(6).map(ts -> "{{ " + String.join(" ", ts) + " }}");
  }
}
