package tandem.protocol.job;

import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/** What a node lends an {@link IoJob}: timers, threads for blocking calls, an HTTP client. */
public interface IoContext {

  /** Completes after {@code delay}, without holding a thread meanwhile. */
  CompletionStage<Void> after(Duration delay);

  /**
   * Completes with {@code value} after {@code delay}, without holding a thread meanwhile;
   * cancelling it cancels the timer. A node makes it one future and one timer, which is all that
   * 100,000 waits at once should hold.
   */
  default <T> CompletionStage<T> after(Duration delay, T value) {
    CompletionStage<Void> timer = after(delay);
    return cancelsAlso(timer.thenApply(done -> value), timer);
  }

  /**
   * Runs a call that can only block (e.g. reading a file) on a thread of its own: a virtual thread
   * when the JVM has them (JDK 21 or later), else one of a bounded pool sized for waiting.
   * Cancelling the stage interrupts the call.
   */
  <T> CompletionStage<T> blocking(Callable<T> call);

  /** A shared asynchronous HTTP client. */
  HttpClient httpClient();

  /** Where callbacks continue: the node's I/O dispatcher. */
  Executor executor();

  /** The only folder file jobs may read below. */
  Path dataDir();

  /**
   * The largest result a job may return (tandem.wire.max-payload-bytes): a job that returns
   * content should refuse more before reading it all into memory.
   */
  long maxResultBytes();

  /**
   * {@code result}, which when cancelled (the job was cancelled or timed out) cancels {@code
   * upstream} too: a stage made with {@code thenApply} does not pass a cancel back by itself, and
   * the stage an I/O job returns is the one that gets cancelled.
   */
  static <T> CompletionStage<T> cancelsAlso(CompletionStage<T> result, CompletionStage<?> upstream) {
    java.util.concurrent.CompletableFuture<T> future = result.toCompletableFuture();
    future.whenComplete((value, error) -> {
      if (future.isCancelled()) {
        upstream.toCompletableFuture().cancel(true);
      }
    });
    return future;
  }
}
