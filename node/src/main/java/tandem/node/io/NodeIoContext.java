package tandem.node.io;

import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import scala.concurrent.ExecutionContextExecutor;

/** What a node lends its I/O jobs: Pekko's scheduler, the I/O dispatchers, one HTTP client. */
public final class NodeIoContext implements tandem.protocol.job.IoContext {
  private final ActorSystem<?> system;
  private final ExecutionContextExecutor io;
  private final ExecutionContextExecutor blocking;
  /** Made on first use: a worker (which runs I/O jobs only when asked) never pays for it. */
  private volatile HttpClient http;
  private final Path dataDir;
  private final long maxResultBytes;

  public NodeIoContext(ActorSystem<?> system, Path dataDir, long maxResultBytes) {
    this.system = system;
    this.io = system.dispatchers().lookup(DispatcherSelector.fromConfig("tandem.io-dispatcher"));
    this.blocking =
        system.dispatchers().lookup(DispatcherSelector.fromConfig("tandem.blocking-io-dispatcher"));
    this.dataDir = dataDir;
    this.maxResultBytes = maxResultBytes;
  }

  /** Completes after {@code delay}; cancelling it cancels the timer. */
  @Override
  public CompletionStage<Void> after(Duration delay) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    var timer = system.scheduler().scheduleOnce(delay, () -> done.complete(null), io);
    done.whenComplete((ok, error) -> {
      if (done.isCancelled()) {
        timer.cancel();
      }
    });
    return done;
  }

  /** Runs {@code call} on the blocking pool; cancelling the stage interrupts the call's thread. */
  @Override
  public <T> CompletionStage<T> blocking(Callable<T> call) {
    CompletableFuture<T> done = new CompletableFuture<>();
    FutureTask<T> task = new FutureTask<>(call) {
      @Override
      protected void done() {
        try {
          done.complete(get());
        } catch (ExecutionException e) {
          done.completeExceptionally(e.getCause());
        } catch (CancellationException | InterruptedException e) {
          done.cancel(false);
        }
      }
    };
    done.whenComplete((ok, error) -> {
      if (done.isCancelled()) {
        task.cancel(true);
      }
    });
    blocking.execute(task);
    return done;
  }

  @Override
  public HttpClient httpClient() {
    HttpClient client = http;
    if (client == null) {
      synchronized (this) {
        if (http == null) {
          http = HttpClient.newBuilder()
              .executor(io)
              .connectTimeout(Duration.ofSeconds(10))
              .followRedirects(HttpClient.Redirect.NORMAL)
              .build();
        }
        client = http;
      }
    }
    return client;
  }

  @Override
  public Executor executor() {
    return io;
  }

  @Override
  public Path dataDir() {
    return dataDir;
  }

  @Override
  public long maxResultBytes() {
    return maxResultBytes;
  }
}
