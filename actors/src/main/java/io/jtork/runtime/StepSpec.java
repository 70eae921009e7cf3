package io.jtork.runtime;

import io.jtork.spec.LimitsSpec;
import io.jtork.spec.MountSpec;
import io.jtork.spec.RegistrySpec;
import io.jtork.spec.SidecarSpec;
import java.util.List;
import java.util.Map;

/**
 * One thing to run: the main task, or one of its {@code pre}/{@code post} steps, with its
 * templates already evaluated. {@code executionId} names the run (attempt id plus step) and
 * labels whatever the runtime creates for it; {@code attemptId} is shared by the attempt's pre,
 * main and post steps (they share its volumes and sidecars), {@code jobId} and {@code taskId}
 * label what the runtime creates.
 */
public record StepSpec(
    String executionId,
    String attemptId,
    String jobId,
    String taskId,
    String name,
    String image,
    String run,
    List<String> cmd,
    List<String> entrypoint,
    Map<String, String> env,
    Map<String, String> files,
    String workdir,
    LimitsSpec limits,
    List<MountSpec> mounts,
    List<String> networks,
    String gpus,
    RegistrySpec registry,
    List<SidecarSpec> sidecars) {

  public StepSpec {
    cmd = cmd == null ? List.of() : List.copyOf(cmd);
    entrypoint = entrypoint == null ? List.of() : List.copyOf(entrypoint);
    env = env == null ? Map.of() : Map.copyOf(env);
    files = files == null ? Map.of() : Map.copyOf(files);
    mounts = mounts == null ? List.of() : List.copyOf(mounts);
    networks = networks == null ? List.of() : List.copyOf(networks);
    sidecars = sidecars == null ? List.of() : List.copyOf(sidecars);
  }

  @Override
  public String toString() {
    return "StepSpec[" + executionId + " " + name + "]";
  }
}
