package io.jtork.runtime.docker;

/** Checks of limit strings for configuration, so a bad worker default stops the node at start-up. */
public final class DockerLimits {
  private DockerLimits() {}

  public static void checkCpus(String cpus) {
    DockerUnits.nanoCpus(cpus);
  }

  public static void checkMemory(String memory) {
    DockerUnits.memoryBytes(memory);
  }
}
