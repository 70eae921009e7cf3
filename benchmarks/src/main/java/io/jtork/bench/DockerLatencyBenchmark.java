package io.jtork.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * jtork's submit→COMPLETED latency for a one-task {@code <image> true} job on the Docker
 * runtime, against {@code docker run --rm <image> true} from the Docker CLI on the same daemon,
 * one at a time and interleaved (jtork, CLI, jtork, CLI...) so that both see the same machine.
 * The job is submitted with {@code wait}, so the POST returns when the job has completed.
 */
@Command(name = "docker-latency", mixinStandardHelpOptions = true)
public final class DockerLatencyBenchmark implements Callable<Integer> {
  @Option(names = "--url", description = "Use this node (on the Docker runtime) instead of forking one.")
  String url;

  @Option(names = "--runs", defaultValue = "40")
  int runs;

  @Option(names = "--warmup", defaultValue = "10")
  int warmup;

  @Option(names = "--image", defaultValue = "busybox:local")
  String image;

  @Option(names = "--docker", defaultValue = "docker", description = "The Docker CLI (it uses $DOCKER_HOST like the node).")
  String dockerCli;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  public static void main(String[] args) {
    System.exit(new CommandLine(new DockerLatencyBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    BenchNode node = url == null ? BenchNode.fork("docker", "h2", null) : null;
    String base = url != null ? url : node.base;
    try {
      System.out.printf("node %s, image %s, DOCKER_HOST=%s, %d cores%n", base, image, System.getenv("DOCKER_HOST"),
          Runtime.getRuntime().availableProcessors());
      for (int i = 0; i < warmup; i++) {
        jtork(base);
        cli();
      }
      double[] j = new double[runs];
      double[] c = new double[runs];
      for (int i = 0; i < runs; i++) {
        j[i] = jtork(base);
        c[i] = cli();
      }
      Arrays.sort(j);
      Arrays.sort(c);
      System.out.printf(Locale.ROOT, "jtork job   %d runs: p50 %6.1f ms, p90 %6.1f ms, min %6.1f ms%n", runs, pct(j, 50), pct(j, 90), j[0]);
      System.out.printf(Locale.ROOT, "docker run  %d runs: p50 %6.1f ms, p90 %6.1f ms, min %6.1f ms%n", runs, pct(c, 50), pct(c, 90), c[0]);
      System.out.printf(Locale.ROOT, "ratio (p50 jtork / p50 docker run): %.2f%n", pct(j, 50) / pct(c, 50));
      return 0;
    } finally {
      if (node != null) node.close();
    }
  }

  private double jtork(String base) throws Exception {
    String job = """
        {"name":"latency","wait":{"timeout":"60s"},"tasks":[{"name":"t","image":"%s","run":"true"}]}"""
        .formatted(image);
    long t0 = System.nanoTime();
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/jobs"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(job)).build(),
        HttpResponse.BodyHandlers.ofString());
    double ms = (System.nanoTime() - t0) / 1e6;
    if (r.statusCode() != 200 || !r.body().contains("\"state\":\"COMPLETED\"")) {
      throw new IllegalStateException("the job did not complete: " + r.statusCode() + " " + r.body());
    }
    return ms;
  }

  private double cli() throws Exception {
    long t0 = System.nanoTime();
    Process p = new ProcessBuilder(dockerCli, "run", "--rm", image, "true").redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    int code = p.waitFor();
    double ms = (System.nanoTime() - t0) / 1e6;
    if (code != 0) throw new IllegalStateException("docker run exited with " + code);
    return ms;
  }

  private static double pct(double[] sorted, int p) {
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }
}
