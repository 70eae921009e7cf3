package io.jtork.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/** A container started before the main task and removed after it; {@code probe} gates the main task. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record SidecarSpec(
    String name,
    String description,
    List<String> cmd,
    List<String> entrypoint,
    String run,
    String image,
    RegistrySpec registry,
    Map<String, String> env,
    Map<String, String> files,
    String timeout,
    ProbeSpec probe) {
  public SidecarSpec {
    cmd = Specs.list(cmd);
    entrypoint = Specs.list(entrypoint);
    env = Specs.map(env);
    files = Specs.map(files);
  }

  @Override
  public String toString() {
    return "SidecarSpec[name=" + name + "]";
  }
}
