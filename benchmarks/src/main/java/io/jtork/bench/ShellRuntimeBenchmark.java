package io.jtork.bench;

import io.jtork.runtime.RunningStep;
import io.jtork.runtime.StepResult;
import io.jtork.runtime.StepSpec;
import io.jtork.runtime.shell.ShellRuntime;
import io.jtork.runtime.shell.TaskUsers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The shell runtime alone, without the engine around it: {@code --steps} steps running
 * {@code --run} (default {@code true}), {@code --concurrency} at a time, in this JVM. Reports
 * steps/s and the CPU each step costs, split into this JVM's user and system time (starting the
 * process, its directory, reading its output, cleaning up) and its children's (the task spawner,
 * or setpriv and setsid, then bash and what the step runs). A warm-up round of the same size runs
 * first. {@code --spawner none} starts each step as a chain of programs instead of through the
 * spawner; {@code --task-users RANGE} (as root) runs each step as a user of its own from the range.
 */
@Command(name = "shell-runtime", mixinStandardHelpOptions = true)
public final class ShellRuntimeBenchmark implements Callable<Integer> {
  /** Clock ticks per second in /proc/<pid>/stat on Linux. */
  private static final double USER_HZ = 100.0;

  @Option(names = "--steps", defaultValue = "3000")
  int steps;

  @Option(names = "--concurrency", defaultValue = "4")
  int concurrency;

  @Option(names = "--run", defaultValue = "true")
  String run;

  @Option(names = "--spawner", defaultValue = "perl", description = "perl or none, as jtork.runtime.shell.spawner.")
  String spawner;

  @Option(names = "--task-users", description = "A uid range: each step runs as a user of its own from it (needs root).")
  String taskUsers;

  public static void main(String[] args) {
    System.exit(new CommandLine(new ShellRuntimeBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Path root = Files.createTempDirectory("jtork-shell-bench-");
    TaskUsers users = taskUsers == null ? TaskUsers.nodeUser() : TaskUsers.of("auto", "auto", taskUsers, 0);
    ShellRuntime runtime = new ShellRuntime(List.of("bash", "-c"), root, List.of("PATH", "HOME"), users,
        spawner.equals("perl"));
    try {
      round(runtime, "warm-up");
      round(runtime, "measured");
    } finally {
      runtime.close();
    }
    return 0;
  }

  private void round(ShellRuntime runtime, String label) throws Exception {
    Semaphore slots = new Semaphore(concurrency);
    CountDownLatch done = new CountDownLatch(steps);
    AtomicInteger failed = new AtomicInteger();
    long[] before = cpu();
    long t0 = System.nanoTime();
    for (int i = 0; i < steps; i++) {
      slots.acquire();
      String id = label + "-" + i;
      StepSpec spec = new StepSpec(id, id, "job", "task", "t" + i, null, run, List.of(), List.of(), Map.of(),
          Map.of(), null, null, List.of(), List.of(), null, null, List.of());
      RunningStep step = runtime.start(spec, line -> { });
      step.completion().whenComplete((StepResult r, Throwable e) -> {
        if (e != null || r == null || !r.succeeded()) failed.incrementAndGet();
        slots.release();
        done.countDown();
      });
    }
    done.await();
    double seconds = (System.nanoTime() - t0) / 1e9;
    long[] after = cpu();
    double perStep = 1000.0 / steps / USER_HZ;
    System.out.printf(Locale.ROOT,
        "%s: %d steps, concurrency %d, %d failed: %.1f steps/s; CPU per step: JVM user %.2f sys %.2f ms,"
            + " children user %.2f sys %.2f ms%n",
        label, steps, concurrency, failed.get(), steps / seconds, (after[0] - before[0]) * perStep,
        (after[1] - before[1]) * perStep, (after[2] - before[2]) * perStep, (after[3] - before[3]) * perStep);
  }

  /** This JVM's CPU and its children's: see {@link ProcessCpu#of}. */
  private static long[] cpu() throws Exception {
    return ProcessCpu.of(ProcessHandle.current().pid());
  }
}
