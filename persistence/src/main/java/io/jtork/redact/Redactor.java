package io.jtork.redact;

import io.jtork.model.Job;
import io.jtork.model.Task;
import io.jtork.spec.JobSpec;
import io.jtork.spec.RegistrySpec;
import io.jtork.spec.SubJobSpec;
import io.jtork.spec.TaskSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Replaces secrets with {@code [REDACTED]}. Key patterns are Tork's wildcards ({@code *SECRET*}),
 * matched case-insensitively; secret values are replaced wherever they occur, longest first so
 * that a secret containing another is not half-redacted.
 */
public final class Redactor {
  public static final String REDACTED = "[REDACTED]";
  public static final List<String> DEFAULT_PATTERNS = List.of("*SECRET*", "*PASSWORD*", "*ACCESS_KEY*");
  private static final Redactor DEFAULT = new Redactor(DEFAULT_PATTERNS);

  private final List<Pattern> keyPatterns;

  public Redactor(List<String> wildcardPatterns) {
    List<Pattern> ps = new ArrayList<>();
    for (String w : wildcardPatterns) {
      String re = Arrays.stream(w.split("\\*", -1)).map(Pattern::quote)
          .collect(Collectors.joining(".*"));
      ps.add(Pattern.compile(re, Pattern.CASE_INSENSITIVE | Pattern.DOTALL));
    }
    this.keyPatterns = List.copyOf(ps);
  }

  public static Redactor defaults() {
    return DEFAULT;
  }

  public boolean isSecretKey(String key) {
    if (key == null) return false;
    for (Pattern p : keyPatterns) {
      if (p.matcher(key).matches()) return true;
    }
    return false;
  }

  /**
   * The values to redact wherever they appear for a job: its {@code secrets}, and the inputs
   * whose keys look secret ({@code DB_PASSWORD}), which a task may pass on under another name.
   */
  public Set<String> secretValues(Map<String, String> secrets, Map<String, String> inputs) {
    Set<String> out = new LinkedHashSet<>();
    if (secrets != null) secrets.values().forEach(v -> {
      if (v != null && !v.isEmpty()) out.add(v);
    });
    if (inputs != null) inputs.forEach((k, v) -> {
      if (isSecretKey(k) && v != null && !v.isEmpty()) out.add(v);
    });
    return out;
  }

  /**
   * The job's redaction set: the values to redact wherever they appear in what jtork stores or
   * serves for it. Its {@code secrets} and secret-looking {@code inputs} ({@link #secretValues(Map, Map)}),
   * and from its spec and from every execution (whose templated fields are evaluated) the values
   * under secret-looking keys of task, {@code pre}/{@code post} and sidecar {@code env}, sub-job
   * {@code inputs}, webhook {@code headers}, with sub-job {@code secrets} and registry passwords.
   * A value derived from a secret by a template contains the secret, which is redacted within it.
   */
  public Set<String> secretValues(Job job) {
    if (job == null) return new LinkedHashSet<>();
    Set<String> out = secretValues(job.context().secrets(), job.context().inputs());
    if (job.spec() != null) out.addAll(secretValues(job.spec()));
    for (Task t : job.execution()) collect(t.spec(), out);
    return out;
  }

  /** What {@link #secretValues(Job)} finds in a spec alone (literal values; templates skipped). */
  public Set<String> secretValues(JobSpec spec) {
    Set<String> out = secretValues(spec.secrets(), spec.inputs());
    if (spec.webhooks() != null) spec.webhooks().forEach(w -> keyed(w.headers(), out));
    if (spec.tasks() != null) spec.tasks().forEach(t -> collect(t, out));
    return out;
  }

  /** Adds the secret values of one task spec (and of the tasks inside it) to {@code out}. */
  public void collect(TaskSpec t, Set<String> out) {
    if (t == null) return;
    keyed(t.env(), out);
    password(t.registry(), out);
    if (t.pre() != null) t.pre().forEach(a -> { keyed(a.env(), out); password(a.registry(), out); });
    if (t.post() != null) t.post().forEach(a -> { keyed(a.env(), out); password(a.registry(), out); });
    if (t.sidecars() != null) t.sidecars().forEach(a -> { keyed(a.env(), out); password(a.registry(), out); });
    if (t.parallel() != null && t.parallel().tasks() != null) t.parallel().tasks().forEach(c -> collect(c, out));
    if (t.each() != null) collect(t.each().task(), out);
    SubJobSpec sub = t.subjob();
    if (sub != null) {
      keyed(sub.inputs(), out);
      if (sub.secrets() != null) sub.secrets().values().forEach(v -> literal(v, out));
      if (sub.webhooks() != null) sub.webhooks().forEach(w -> keyed(w.headers(), out));
      if (sub.tasks() != null) sub.tasks().forEach(c -> collect(c, out));
    }
  }

  private void keyed(Map<String, String> m, Set<String> out) {
    if (m != null) m.forEach((k, v) -> {
      if (isSecretKey(k)) literal(v, out);
    });
  }

  private static void password(RegistrySpec r, Set<String> out) {
    if (r != null) literal(r.password(), out);
  }

  /** A value to redact, unless empty or still a template (its evaluation, in an execution, is the secret). */
  private static void literal(String v, Set<String> out) {
    if (v != null && !v.isEmpty() && !v.contains("{{")) out.add(v);
  }

  /** {@code text} with every occurrence of every non-empty secret value replaced. */
  public static String redactValues(String text, Collection<String> secretValues) {
    if (text == null || text.isEmpty() || secretValues == null || secretValues.isEmpty()) return text;
    List<String> values = new ArrayList<>();
    for (String v : secretValues) {
      if (v != null && !v.isEmpty()) values.add(v);
    }
    values.sort(Comparator.comparingInt(String::length).reversed());
    String out = text;
    for (String v : values) {
      if (out.contains(v)) out = out.replace(v, REDACTED);
    }
    return out;
  }

  /** A copy of {@code map} with secret-looking keys and secret values redacted. */
  public Map<String, String> redactMap(Map<String, String> map, Collection<String> secretValues) {
    if (map == null || map.isEmpty()) return map;
    Map<String, String> out = new LinkedHashMap<>();
    map.forEach((k, v) -> out.put(k, isSecretKey(k) ? REDACTED : redactValues(v, secretValues)));
    return out;
  }

  /** Every value of {@code map} redacted: for a job's {@code secrets}. */
  public static Map<String, String> redactAll(Map<String, String> map) {
    if (map == null || map.isEmpty()) return map;
    Map<String, String> out = new LinkedHashMap<>();
    map.keySet().forEach(k -> out.put(k, REDACTED));
    return out;
  }

  public List<String> redactList(List<String> list, Collection<String> secretValues) {
    if (list == null || list.isEmpty()) return list;
    return list.stream().map(s -> redactValues(s, secretValues)).toList();
  }
}
