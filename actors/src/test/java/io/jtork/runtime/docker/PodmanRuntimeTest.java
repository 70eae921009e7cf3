package io.jtork.runtime.docker;

import java.nio.file.Path;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/**
 * The same container contract, run by the same code against Podman's Docker-compatible API
 * ({@code podman system service}), as {@code jtork.runtime.type = podman} uses it. Two
 * behaviours differ in Podman itself and are left out here; see docs/features.md (Podman).
 */
class PodmanRuntimeTest extends DockerRuntimeTest {

  @Override
  protected String requireDaemon() {
    return DockerDaemon.requirePodman();
  }

  @Override
  protected String runtimeName() {
    return "podman";
  }

  @Test
  @Override
  @Disabled("observed here: Podman starts the container with a GPU device request on a machine without GPUs,"
      + " where Docker refuses it")
  void gpusBecomeADeviceRequestAndTheDaemonsRefusalFailsTheTask() {
  }

  @Test
  @Override
  @Disabled("observed here: this test's plain-HTTP registry on 127.0.0.1 got no request with credentials from"
      + " Podman, which unlike Docker does not treat a local registry as insecure; the credentials code is the same")
  void registryCredentialsComeFromTheTaskOrFromConfigJson(Path configDir) {
  }
}
