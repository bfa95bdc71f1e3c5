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
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import scala.concurrent.ExecutionContextExecutor;

/**
 * What a node lends its I/O jobs: Pekko's scheduler, the I/O dispatchers, one HTTP client; and
 * what the built-in http-get needs besides: its address policy and a client that leaves redirects
 * to it.
 */
public final class NodeIoContext implements tandem.protocol.job.IoContext {
  private final ExecutionContextExecutor io;
  private final Executor blocking;
  /** Made on first use: a worker (which runs I/O jobs only when asked) never pays for it. */
  private volatile HttpClient http;
  private volatile HttpClient fetchClient;
  private final HttpGetPolicy httpGetPolicy;
  private final Path dataDir;
  private final long maxResultBytes;
  /**
   * The waits' timer: one thread that sleeps until the next wait is due, to the millisecond. Pekko's
   * scheduler turns in 10 ms ticks and ran a 1 s sleep for 1,011-1,020 ms; each due wait is handed
   * at once to the I/O dispatcher, where its callbacks run.
   */
  private final ScheduledThreadPoolExecutor timers;

  /** A context whose http-get policy takes the node's HTTP port from tandem.http.port. */
  public NodeIoContext(ActorSystem<?> system, Path dataDir, long maxResultBytes) {
    this(system, dataDir, maxResultBytes,
        HttpGetPolicy.create(system.settings().config(), system.settings().config().getInt("tandem.http.port")));
  }

  public NodeIoContext(ActorSystem<?> system, Path dataDir, long maxResultBytes, HttpGetPolicy httpGetPolicy) {
    this.httpGetPolicy = httpGetPolicy;
    this.io = system.dispatchers().lookup(DispatcherSelector.fromConfig("tandem.io-dispatcher"));
    this.blocking = BlockingThreads.executor(system);
    this.dataDir = dataDir;
    this.maxResultBytes = maxResultBytes;
    this.timers = new ScheduledThreadPoolExecutor(1, runnable -> {
      Thread thread = new Thread(runnable, "tandem-io-timer");
      thread.setDaemon(true);
      return thread;
    });
    timers.setRemoveOnCancelPolicy(true); // a cancelled wait frees its place at once, not when it was due
    system.getWhenTerminated().thenRun(timers::shutdownNow);
  }

  /** Completes after {@code delay}; cancelling it cancels the timer. */
  @Override
  public CompletionStage<Void> after(Duration delay) {
    return after(delay, null);
  }

  @Override
  public <T> CompletionStage<T> after(Duration delay, T value) {
    Timed<T> done = new Timed<>();
    done.timer = timers.schedule(() -> io.execute(() -> done.complete(value)), delay.toNanos(), TimeUnit.NANOSECONDS);
    return done;
  }

  /** A future that, cancelled, cancels its timer: no callback is kept per wait for that. */
  private static final class Timed<T> extends CompletableFuture<T> {
    /** Set before the future is handed out, so before anyone can cancel it. */
    private volatile Future<?> timer;

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      boolean cancelled = super.cancel(mayInterruptIfRunning);
      if (cancelled) {
        timer.cancel(false);
      }
      return cancelled;
    }
  }

  /**
   * Runs {@code call} on a virtual thread or the blocking pool ({@link BlockingThreads});
   * cancelling the stage interrupts the call's thread.
   */
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
          http = newClient(HttpClient.Redirect.NORMAL);
        }
        client = http;
      }
    }
    return client;
  }

  /**
   * A client that never follows a redirect: http-get follows them itself, so each hop's address
   * is checked against {@link #httpGetPolicy} before it is fetched.
   */
  public HttpClient fetchClient() {
    HttpClient client = fetchClient;
    if (client == null) {
      synchronized (this) {
        if (fetchClient == null) {
          fetchClient = newClient(HttpClient.Redirect.NEVER);
        }
        client = fetchClient;
      }
    }
    return client;
  }

  private HttpClient newClient(HttpClient.Redirect redirects) {
    return HttpClient.newBuilder().executor(io).connectTimeout(Duration.ofSeconds(10)).followRedirects(redirects).build();
  }

  /** Which URLs http-get may fetch (tandem.jobs.http-get). */
  public HttpGetPolicy httpGetPolicy() {
    return httpGetPolicy;
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
