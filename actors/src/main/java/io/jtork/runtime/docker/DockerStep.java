package io.jtork.runtime.docker;

import com.github.dockerjava.api.command.WaitContainerResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import io.jtork.runtime.LastProgress;
import io.jtork.runtime.OutputSink;
import io.jtork.runtime.RunningStep;
import io.jtork.runtime.StepResult;
import java.io.InputStream;
import java.util.OptionalDouble;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One running container: its logs are followed line by line, its exit is awaited, then its
 * {@code /tork/stdout} is read and the container and its {@code /tork} volume are removed.
 */
final class DockerStep implements RunningStep {
  private static final int MAX_OUTPUT_BYTES = 10 * 1024 * 1024;

  private final DockerRuntime runtime;
  private final String containerId;
  private final String torkVolume;
  private final CompletableFuture<StepResult> completion = new CompletableFuture<>();
  private final CompletableFuture<Void> cleanedUp = new CompletableFuture<>();
  private final DockerRuntime.Lines logs;
  private final ExecutorService io;
  private final LastProgress progress = new LastProgress();
  private volatile boolean killed;

  DockerStep(DockerRuntime runtime, String containerId, String torkVolume, OutputSink sink, ExecutorService io) {
    this.runtime = runtime;
    this.containerId = containerId;
    this.torkVolume = torkVolume;
    this.io = io;
    this.logs = new DockerRuntime.Lines(sink::line);
    runtime.streams().logContainerCmd(containerId).withStdOut(true).withStdErr(true).withFollowStream(true).exec(logs);
    io.execute(this::await);
  }

  private void await() {
    StepResult result;
    try {
      Integer code = runtime.streams().waitContainerCmd(containerId).exec(new WaitContainerResultCallback())
          .awaitStatusCode();
      try {
        logs.awaitCompletion(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      logs.flushPartial();
      String output = null;
      if (code != null && code == 0) {
        try (InputStream tar = runtime.client().copyArchiveFromContainerCmd(containerId, "/tork/stdout").exec()) {
          output = Tar.firstFile(tar, MAX_OUTPUT_BYTES);
        }
      }
      result = code == null ? StepResult.failed("the container ended without an exit code")
          : StepResult.exited(code, output);
    } catch (Exception e) {
      if (!killed) runtime.markUnreachable();
      result = killed ? StepResult.failed("killed")
          : StepResult.failed("the " + runtime.name() + " daemon stopped answering while the task ran: "
              + DockerRuntime.describe(e));
    }
    try {
      logs.close();
    } catch (Exception ignored) {
      // the stream is already closed
    }
    completion.complete(result);
    runtime.removeContainer(containerId);
    runtime.removeVolume(torkVolume);
    cleanedUp.complete(null);
  }

  /** Completes once the container and its /tork volume have been removed. */
  CompletableFuture<Void> cleanedUp() {
    return cleanedUp;
  }

  @Override
  public CompletionStage<StepResult> completion() {
    return completion;
  }

  @Override
  public OptionalDouble progress() {
    return progress.poll(!completion.isDone(), io, () -> {
      try (InputStream tar = runtime.client().copyArchiveFromContainerCmd(containerId, "/tork/progress").exec()) {
        return Tar.firstFile(tar, 64);
      }
    });
  }

  @Override
  public void kill() {
    if (completion.isDone()) return;
    killed = true;
    io.execute(() -> {
      try {
        runtime.client().killContainerCmd(containerId).exec();
      } catch (NotFoundException e) {
        // already gone
      } catch (RuntimeException e) {
        // not running any more, or the daemon is away: the wait ends either way
      }
    });
  }
}
