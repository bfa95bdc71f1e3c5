package tandem.launcher.process;

import tandem.node.StopReason;
import com.typesafe.config.Config;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import tandem.launcher.cli.CliException;
import tandem.launcher.cli.ExitCodes;

/** Starts the one ActorSystem of a node or worker process, joins the cluster, and runs it to its end. */
public final class ClusterProcess {
  public static final String SYSTEM_NAME = "tandem";
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  private final ActorSystem<?> system;

  private ClusterProcess(ActorSystem<?> system) {
    this.system = system;
  }

  /** Starts the system; with no seeds it founds a new cluster on its own. */
  public static <T> ClusterProcess start(Behavior<T> guardian, Config config, List<Address> seeds) {
    // Logging is set up before Pekko starts logging from several threads at once; otherwise
    // SLF4J buffers and replays those first events with a warning.
    org.slf4j.LoggerFactory.getILoggerFactory();
    ActorSystem<T> system;
    // Seeds go in the configuration, where Pekko joins them from, and a worker reads the nodes it
    // can offer itself to before it is a member.
    Config withSeeds = com.typesafe.config.ConfigFactory.parseMap(java.util.Map.of(
        "pekko.cluster.seed-nodes", seeds.stream().map(Address::toString).toList())).withFallback(ClusterSecret.apply(ClusterAddress.apply(config)));
    try {
      system = ActorSystem.create(guardian, SYSTEM_NAME, withSeeds);
    } catch (RuntimeException e) {
      throw new CliException(ExitCodes.USAGE, "cannot start: " + rootMessage(e)
          + " (is the port in use? pick another with --port)");
    }
    Cluster cluster = Cluster.get(system);
    if (seeds.isEmpty()) {
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
    }
    return new ClusterProcess(system);
  }

  /**
   * Lets SIGTERM (and {@code tandem stop}) stop this process gracefully: its coordinated shutdown
   * runs, and {@link #awaitTermination} then reports a clean exit.
   */
  public ClusterProcess stopGracefullyOnTerm() {
    TermSignal.onTerm(() -> CoordinatedShutdown.get(Adapter.toClassic(system)).run(StopReason.REQUESTED));
    return this;
  }

  public String address() {
    return Cluster.get(system).selfMember().address().toString();
  }

  /** Waits until this member is Up and {@code alsoReady} is done, or explains why it is not. */
  public <T> T awaitUp(CompletableFuture<T> alsoReady, String seedsForMessage) {
    CompletableFuture<Void> up = new CompletableFuture<>();
    org.apache.pekko.cluster.Cluster.get(Adapter.toClassic(system)).registerOnMemberUp(() -> up.complete(null));
    // Pekko gives up joining after pekko.cluster.shutdown-after-unsuccessful-join-seed-nodes.
    system.getWhenTerminated().thenRun(() -> up.completeExceptionally(new TimeoutException("stopped")));
    try {
      up.get(READY_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      return alsoReady.get(READY_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (TimeoutException | ExecutionException e) {
      if (e instanceof ExecutionException && !(e.getCause() instanceof TimeoutException)) {
        stop();
        throw new CliException(ExitCodes.USAGE, "cannot start: " + rootMessage(e));
      }
      stop();
      throw new CliException(ExitCodes.UNREACHABLE, "could not join the cluster through "
          + seedsForMessage + "; is a node running there? (start one with 'tandem node') If it runs with a "
          + "cluster secret ('tandem up' writes .tandem/" + ClusterSecret.FILE_NAME + "), give this process the same "
          + "with --secret-file FILE");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop();
      throw new CliException(ExitCodes.UNREACHABLE, "interrupted while starting");
    }
  }

  /** Blocks until the system ends (SIGTERM, downing, failed join); the process's exit code. */
  public int awaitTermination(PrintWriter err) {
    system.getWhenTerminated().toCompletableFuture().join();
    CoordinatedShutdown.Reason reason =
        CoordinatedShutdown.get(Adapter.toClassic(system)).getShutdownReason().orElse(null);
    if (reason == CoordinatedShutdown.clusterJoinUnsuccessfulReason()) {
      err.println("tandem: could not join the cluster's seed nodes; is a node running there?");
      return ExitCodes.UNREACHABLE;
    }
    if (reason == CoordinatedShutdown.clusterDowningReason()) {
      err.println("tandem: this member was removed from the cluster (downed); exiting");
      return ExitCodes.JOB_FAILED;
    }
    return ExitCodes.OK;
  }

  public void stop() {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().join();
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }
}
