package io.jtork.redact;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

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
      String re = java.util.Arrays.stream(w.split("\\*", -1)).map(Pattern::quote)
          .collect(java.util.stream.Collectors.joining(".*"));
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
  public java.util.Set<String> secretValues(Map<String, String> secrets, Map<String, String> inputs) {
    java.util.Set<String> out = new java.util.LinkedHashSet<>();
    if (secrets != null) secrets.values().forEach(v -> {
      if (v != null && !v.isEmpty()) out.add(v);
    });
    if (inputs != null) inputs.forEach((k, v) -> {
      if (isSecretKey(k) && v != null && !v.isEmpty()) out.add(v);
    });
    return out;
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
