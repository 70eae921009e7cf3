package io.jtork.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code jtork cancel ID} and {@code jtork restart ID}: {@code PUT /jobs/{id}/cancel} or {@code /restart}. */
abstract class JobActionCommand extends ClientCommand {
  @Parameters(paramLabel = "JOB-ID", description = "The job.")
  String jobId;

  @Mixin
  OutputOptions output;

  abstract String action();

  abstract String done();

  @Override
  int execute(PrintWriter out) throws IOException, InterruptedException {
    JsonNode answer = ClientOptions.expect(client.send("PUT", "/jobs/" + id(jobId) + "/" + action()),
        "job " + jobId + " not found");
    if (output.table()) out.println(done() + " job " + jobId);
    else output.print(answer, out);
    return 0;
  }

  @Command(name = "cancel", mixinStandardHelpOptions = true, description = "Cancel a running job.")
  static final class Cancel extends JobActionCommand {
    @Override
    String action() {
      return "cancel";
    }

    @Override
    String done() {
      return "cancelled";
    }
  }

  @Command(name = "restart", mixinStandardHelpOptions = true,
      description = "Restart a failed or cancelled job from the task where it stopped.")
  static final class Restart extends JobActionCommand {
    @Override
    String action() {
      return "restart";
    }

    @Override
    String done() {
      return "restarted";
    }
  }
}
