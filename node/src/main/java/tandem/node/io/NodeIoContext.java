package tandem.node.io;

import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
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

  @Override
  public CompletionStage<Void> after(Duration delay) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    system.scheduler().scheduleOnce(delay, () -> done.complete(null), io);
    return done;
  }

  @Override
  public <T> CompletionStage<T> blocking(Callable<T> call) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return call.call();
          } catch (RuntimeException e) {
            throw e;
          } catch (Exception e) {
            throw new CompletionException(e);
          }
        },
        blocking);
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
