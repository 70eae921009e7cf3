package io.jtork.concurrent;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;

/**
 * Pekko's Java API answers an ask (and a stream's materialized value) with Scala's converted
 * {@code CompletableFuture}, which turns every plain callback ({@code thenApply},
 * {@code whenComplete}, so also {@code pipeToSelf}) into its {@code *Async} form on the JDK's
 * default executor. Where the common pool has fewer than two threads (any machine with fewer
 * than three cores) that executor starts a new thread per callback: thousands a second under
 * load. {@link #on} re-homes such a stage on a given executor (the actor system's dispatcher),
 * after which plain callbacks run where its completion runs, as they would on a plain future.
 */
public final class Stages {
  private Stages() {}

  public static <T> CompletionStage<T> on(CompletionStage<T> stage, Executor executor) {
    CompletableFuture<T> out = new CompletableFuture<>();
    stage.whenCompleteAsync((value, error) -> {
      if (error != null) out.completeExceptionally(error);
      else out.complete(value);
    }, executor);
    return out;
  }

  /** What a failed stage failed with: {@code t} without its {@code CompletionException} or {@code ExecutionException} wrappers. */
  public static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
