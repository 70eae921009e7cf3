package io.jtork.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code jtork replay}: asks a running coordinator to drop and rebuild its read models from the
 * journal ({@code POST /admin/replay}, an administrator's request when auth is on), then follows
 * it ({@code GET /admin/replay}) until it ends. The node keeps serving meanwhile.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
    description = "Rebuild the read models (GET /jobs, /tasks, /scheduled-jobs) from the event journal.")
final class ReplayCommand implements Callable<Integer> {
  @Mixin
  ClientOptions client;

  @Option(names = "--no-wait", description = "Start the replay and return at once.")
  boolean noWait;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      ClientOptions.Answer started = client.send("POST", "/admin/replay");
      if (started.status() != 202) {
        err.println("jtork: " + started.message());
        return 1;
      }
      out.println("replaying the journal into the read models on " + client.endpoint + " (the node keeps serving)");
      out.flush();
      if (noWait) return 0;
      JsonNode status = started.body();
      while (status.path("state").asText().equals("RUNNING")) {
        Thread.sleep(Duration.ofMillis(250).toMillis());
        ClientOptions.Answer a = client.send("GET", "/admin/replay");
        if (a.status() != 200) {
          err.println("jtork: " + a.message());
          return 1;
        }
        status = a.body();
      }
      if (!status.path("state").asText().equals("COMPLETED")) {
        err.println("jtork: the replay failed, the read models are as they were: " + status.path("error").asText());
        return 1;
      }
      out.println(String.format(Locale.ROOT, "replayed %,d events (%,d of jobs, %,d of scheduled jobs) in %.1f s: %,d events/s",
          status.path("events").asLong(), status.path("jobEvents").asLong(), status.path("scheduledJobEvents").asLong(),
          status.path("millis").asLong() / 1000.0, status.path("eventsPerSecond").asLong()));
      out.flush();
      return 0;
    } catch (IOException e) {
      err.println("jtork: " + client.endpoint + " does not answer: " + e.getMessage());
      return 1;
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      err.println("jtork: " + e.getMessage());
      return 1;
    }
  }
}
