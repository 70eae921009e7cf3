package io.jtork.runtime.docker;

import com.github.dockerjava.api.model.DeviceRequest;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tork's limit and GPU strings in the units the Docker API takes. Docker's own parsers live in
 * its Go CLI (units.RAMInBytes, opts.GpuOpts); docker-java has none, hence these few lines.
 */
public final class DockerUnits {
  private static final Pattern MEMORY = Pattern.compile("^(\\d+(?:\\.\\d+)?)\\s*([kmgtp]?)b?$");

  private DockerUnits() {}

  /** {@code ".5"} → 500,000,000 NanoCPUs. */
  public static long nanoCpus(String cpus) {
    double v;
    try {
      v = Double.parseDouble(cpus.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("limits.cpus: \"" + cpus + "\" is not a number of CPUs");
    }
    if (v <= 0) throw new IllegalArgumentException("limits.cpus: \"" + cpus + "\" must be more than 0");
    return Math.round(v * 1_000_000_000L);
  }

  /** Docker's memory units, powers of 1024: {@code 10m} → 10,485,760 bytes. */
  public static long memoryBytes(String memory) {
    Matcher m = MEMORY.matcher(memory.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) throw new IllegalArgumentException("limits.memory: \"" + memory + "\" is not a size such as 512m or 1g");
    double v = Double.parseDouble(m.group(1));
    int power = "kmgtp".indexOf(m.group(2)) + 1;
    return (long) (v * Math.pow(1024, power));
  }

  /**
   * {@code --gpus} syntax: {@code all}, a count, or {@code device=0,1} (optionally with
   * {@code driver=...} and {@code capabilities=...} as comma-separated key=value pairs).
   */
  static DeviceRequest gpus(String gpus) {
    String s = gpus.trim();
    DeviceRequest r = new DeviceRequest().withCapabilities(List.of(List.of("gpu")));
    if (s.equals("all")) return r.withCount(-1);
    if (s.matches("\\d+")) return r.withCount(Integer.parseInt(s));
    // key=value pairs; "device" may list several ids separated by commas, so split on the keys.
    Matcher kv = Pattern.compile("(count|device|driver|capabilities)=([^=]*?)(?=,(?:count|device|driver|capabilities)=|$)")
        .matcher(s);
    boolean any = false;
    while (kv.find()) {
      any = true;
      String v = kv.group(2).replace("\"", "");
      switch (kv.group(1)) {
        case "count" -> r = r.withCount(v.equals("all") ? -1 : Integer.parseInt(v));
        case "device" -> r = r.withDeviceIds(List.of(v.split(",")));
        case "driver" -> r = r.withDriver(v);
        default -> r = r.withCapabilities(List.of(List.of(v.split(","))));
      }
    }
    if (!any) throw new IllegalArgumentException("gpus: \"" + gpus + "\" is not all, a count or device=<ids>");
    return r;
  }
}
