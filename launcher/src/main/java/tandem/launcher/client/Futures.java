package tandem.launcher.client;

import java.util.Collection;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;

/** Helpers over many futures, after Python's {@code concurrent.futures}. */
public final class Futures {
  private Futures() {}

  /**
   * The futures in the order they complete (successfully or not), like {@code as_completed}:
   * iterating blocks until the next one is done.
   */
  public static <T> Iterable<CompletableFuture<T>> asCompleted(Collection<? extends CompletableFuture<T>> futures) {
    LinkedBlockingQueue<CompletableFuture<T>> done = new LinkedBlockingQueue<>();
    futures.forEach(f -> f.whenComplete((value, error) -> done.add(f)));
    int count = futures.size();
    return () -> new Iterator<>() {
      private int taken;

      @Override
      public boolean hasNext() {
        return taken < count;
      }

      @Override
      public CompletableFuture<T> next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        try {
          CompletableFuture<T> next = done.take();
          taken++;
          return next;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while waiting for the next future", e);
        }
      }
    };
  }
}
