package io.jtork.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/** A volume, bind or tmpfs mount shared by a task's main, pre, post and sidecar containers. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record MountSpec(String type, String source, String target, Map<String, String> opts) {
  public MountSpec {
    opts = Specs.map(opts);
  }
}
