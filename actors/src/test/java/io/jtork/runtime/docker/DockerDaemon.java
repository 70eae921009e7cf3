package io.jtork.runtime.docker;

import static org.junit.jupiter.api.Assertions.fail;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * The Docker daemon the Docker tests run against: {@code $DOCKER_HOST}, else the one
 * {@code bin/test-docker start} runs. Without one the tests skip, saying how to run them; with
 * {@code CI=true} a missing daemon fails instead, so CI can never pass without running them.
 */
public final class DockerDaemon {
  public static final String IMAGE = "busybox:local";

  private DockerDaemon() {}

  public static String host() {
    String env = System.getenv("DOCKER_HOST");
    return env != null && !env.isBlank() ? env : "unix:///tmp/jtork-docker/docker.sock";
  }

  /** The daemon's address; skips the calling test class (fails it on CI) when none answers. */
  public static String require() {
    String host = host();
    if (DockerRuntime.answers(host)) return host;
    String how = "no Docker daemon answers at " + host + ". Start the sandboxed one with"
        + " `eval \"$(bin/test-docker start)\"` (it also imports " + IMAGE + "), then run the tests again.";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) fail("CI=true and " + how);
    System.err.println("[jtork] Docker tests skipped: " + how);
    Assumptions.abort("Docker tests skipped: " + how);
    return host;
  }

  /** Podman's Docker-compatible socket: {@code $JTORK_TEST_PODMAN_HOST}, else the one {@code bin/test-docker start} runs. */
  public static String podmanHost() {
    String env = System.getenv("JTORK_TEST_PODMAN_HOST");
    return env != null && !env.isBlank() ? env : "unix:///tmp/jtork-docker/podman.sock";
  }

  /** As {@link #require}, for Podman's socket. */
  public static String requirePodman() {
    String host = podmanHost();
    if (DockerRuntime.answers(host)) return host;
    String how = "no Podman service answers at " + host + ". `eval \"$(bin/test-docker start)\"` starts one (it installs"
        + " podman when missing), then run the tests again.";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) fail("CI=true and " + how);
    System.err.println("[jtork] Podman tests skipped: " + how);
    Assumptions.abort("Podman tests skipped: " + how);
    return host;
  }

  /** A docker-java client on {@code host}, for tests to look at what jtork created. */
  public static DockerClient client(String host) {
    var config = DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(host).build();
    return DockerClientImpl.getInstance(config, new ApacheDockerHttpClient.Builder().dockerHost(config.getDockerHost()).build());
  }

  /** Every container, volume and network labelled with {@code workerId}. */
  public static List<String> leftovers(DockerClient d, String workerId) {
    String label = DockerRuntime.LABEL_WORKER + "=" + workerId;
    List<String> out = new ArrayList<>();
    d.listContainersCmd().withShowAll(true).withLabelFilter(Map.of(DockerRuntime.LABEL_WORKER, workerId)).exec()
        .forEach(c -> out.add("container " + List.of(c.getNames())));
    var volumes = d.listVolumesCmd().withFilter("label", List.of(label)).exec().getVolumes();
    if (volumes != null) volumes.forEach(v -> out.add("volume " + v.getName()));
    d.listNetworksCmd().withFilter("label", List.of(label)).exec().forEach(n -> out.add("network " + n.getName()));
    return out;
  }
}
