package io.jtork.spec;

import java.util.List;

/**
 * Whether tasks may bind-mount host paths (Tork's {@code mounts.bind.allowed} and
 * {@code mounts.bind.sources}). With an allow-list, a source must be one of its directories or
 * lie under one; without one, any host path may be mounted. Checked when a job is submitted,
 * so a job that could never run is refused with 400 instead of failing later.
 */
public record BindPolicy(boolean allowed, List<String> sources) {
  /** No bind mounts: the default, because a bind mount exposes the worker's file system. */
  public static final BindPolicy DENY = new BindPolicy(false, List.of());

  public BindPolicy {
    sources = sources == null ? List.of() : sources.stream().map(BindPolicy::normalize).toList();
  }

  /** Why {@code source} may not be mounted, or null when it may. */
  public String refusal(String source) {
    if (!allowed) return "bind mounts are not allowed on this cluster (mounts.bind.allowed is false)";
    if (sources.isEmpty()) return null;
    String s = normalize(source);
    if (s.contains("/../") || s.endsWith("/..")) return "\"" + source + "\" must not contain \"..\"";
    for (String allowedSource : sources) {
      if (s.equals(allowedSource) || s.startsWith(allowedSource.equals("/") ? "/" : allowedSource + "/")) return null;
    }
    return "\"" + source + "\" is not in the allowed bind sources (" + String.join(", ", sources) + ")";
  }

  private static String normalize(String path) {
    String p = path.strip();
    while (p.length() > 1 && p.endsWith("/")) p = p.substring(0, p.length() - 1);
    return p;
  }
}
