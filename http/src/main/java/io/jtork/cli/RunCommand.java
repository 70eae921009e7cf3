package io.jtork.cli;

import io.jtork.api.ApiServer;
import io.jtork.node.JtorkNode;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code jtork run <mode>}. */
@Command(name = "run", description = "Start a node.", subcommands = {RunCommand.Standalone.class})
final class RunCommand implements Runnable {
  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "choose a mode: standalone");
  }

  /** Coordinator and worker in one JVM, a single-node cluster on an embedded database by default. */
  @Command(name = "standalone", mixinStandardHelpOptions = true,
      description = "Run the API, the jobs and a worker in one process.")
  static final class Standalone implements Callable<Integer> {
    @Mixin NodeOptions node;

    @Option(names = "--port", paramLabel = "N", description = "Port of the REST API (default 8000).")
    Integer port;

    @Option(names = "--runtime", paramLabel = "auto|shell|docker|podman", description = "Where tasks run (default auto).")
    String runtime;

    @Override
    public Integer call() throws Exception {
      Map<String, Object> overrides = new HashMap<>();
      if (port != null) overrides.put("jtork.http.port", port);
      if (runtime != null) overrides.put("jtork.runtime.type", runtime);
      JtorkNode n;
      try {
        n = JtorkNode.start(node.load(overrides));
      } catch (IllegalArgumentException e) {
        System.err.println("jtork: " + e.getMessage());
        return 2;
      }
      ApiServer api;
      try {
        api = ApiServer.start(n);
      } catch (Exception e) {
        System.err.println("jtork: could not serve the API on " + n.settings().httpInterface() + ":"
            + n.settings().httpPort() + ": " + rootMessage(e));
        n.close();
        return 1;
      }
      System.out.println("jtork is up: http://" + n.settings().httpInterface() + ":" + api.port()
          + " (runtime " + n.runtime().name() + ", " + n.settings().database().kind().name().toLowerCase() + " at "
          + n.settings().database().url() + ")");
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        api.close();
        n.close();
        stopped.countDown();
      }, "jtork-shutdown"));
      n.system().getWhenTerminated().toCompletableFuture().join();
      stopped.await();
      return 0;
    }

    private static String rootMessage(Throwable e) {
      while (e.getCause() != null) e = e.getCause();
      return e.getMessage();
    }
  }
}
