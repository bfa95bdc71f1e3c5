package tandem.launcher.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import tandem.launcher.cli.CliException;
import tandem.launcher.cli.ExitCodes;

/** No-op jobs submitted one by one, a bounded number in flight, each awaited to its result. */
final class NoopJobs {
  /** Jobs in flight at once, like a program that keeps its executor busy. */
  static final int IN_FLIGHT = 1024;

  private NoopJobs() {}

  /** How many jobs a second {@code run} completes, over {@code count} of them. */
  static double perSecond(IntFunction<CompletableFuture<JsonNode>> run, int count) {
    Semaphore window = new Semaphore(IN_FLIGHT);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    long start = System.nanoTime();
    for (int i = 0; i < count && failure.get() == null; i++) {
      window.acquireUninterruptibly();
      run.apply(i).whenComplete((job, error) -> {
        if (error != null || !"succeeded".equals(job.path("state").asText())) {
          failure.compareAndSet(null, error != null ? error : new IllegalStateException(job.toString()));
        }
        window.release();
      });
    }
    window.acquireUninterruptibly(IN_FLIGHT);
    double seconds = (System.nanoTime() - start) / 1e9;
    if (failure.get() != null) {
      throw new CliException(ExitCodes.JOB_FAILED, "a no-op job failed: " + failure.get());
    }
    return count / seconds;
  }
}
