package io.jtork.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code jtork}: the entry point of the runnable jar. */
@Command(name = "jtork", mixinStandardHelpOptions = true, version = "jtork 0.1.0",
    description = "A fault-tolerant job engine that runs Tork jobs.",
    subcommands = {RunCommand.class, MigrationCommand.class, HealthCommand.class})
public final class JtorkCommand implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "choose a command: run, migration or health");
  }

  public static void main(String[] args) {
    int code = new CommandLine(new JtorkCommand()).execute(args);
    System.exit(code);
  }
}
