package io.jtork.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/** A {@code pre} or {@code post} step that runs beside the main task on the same worker. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record AuxTaskSpec(
    String name,
    String description,
    List<String> cmd,
    List<String> entrypoint,
    String run,
    String image,
    RegistrySpec registry,
    Map<String, String> env,
    Map<String, String> files,
    String timeout) {
  public AuxTaskSpec {
    cmd = Specs.list(cmd);
    entrypoint = Specs.list(entrypoint);
    env = Specs.map(env);
    files = Specs.map(files);
  }

  @Override
  public String toString() {
    return "AuxTaskSpec[name=" + name + "]";
  }
}
