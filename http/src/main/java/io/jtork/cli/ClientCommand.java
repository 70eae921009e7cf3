package io.jtork.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that talks to a node's API. Whatever goes wrong is one line on stderr and exit code
 * 1: a node that does not answer is named, an error of the API is its message.
 */
abstract class ClientCommand implements Callable<Integer> {
  @Mixin
  ClientOptions client;

  @Spec
  CommandSpec spec;

  /** Does the work, printing to {@code out}; the exit code. */
  abstract int execute(PrintWriter out) throws IOException, InterruptedException;

  @Override
  public final Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      return execute(out);
    } catch (ClientOptions.Failure e) {
      out.flush();
      err.println("jtork: " + e.getMessage());
      return 1;
    } catch (IOException e) {
      out.flush();
      err.println("jtork: " + client.unreachable(e));
      return 1;
    } finally {
      out.flush();
      err.flush();
    }
  }

  /** The path segment of a job or scheduled job id, as typed. */
  static String id(String id) {
    return ClientOptions.encode(id).replace("+", "%20");
  }
}
