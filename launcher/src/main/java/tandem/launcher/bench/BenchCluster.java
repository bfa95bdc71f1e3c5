package tandem.launcher.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tandem.launcher.cli.CliException;
import tandem.launcher.cli.ExitCodes;
import tandem.launcher.client.TandemClient;
import tandem.launcher.local.ClusterState;
import tandem.launcher.local.LocalCluster;

/**
 * The cluster a benchmark runs on: one it starts itself (one node with its workers, in a
 * folder of its own, stopped afterwards) or a running node given by URL.
 */
public final class BenchCluster implements AutoCloseable {
  private static final Duration READY = Duration.ofSeconds(90);
  private final TandemClient client;
  private final LocalCluster started;
  private final long nodePid;
  private final int workers;

  /** Whether {@link #close} leaves the cluster's folder with its logs. */
  private boolean keepLogs;

  private BenchCluster(TandemClient client, LocalCluster started) {
    this.client = client;
    this.started = started;
    JsonNode health = client.health().join();
    this.nodePid = health.path("pid").asLong(-1);
    this.workers = health.path("workers").asInt();
  }

  /** Starts one node with {@code workers} worker processes and waits until every worker takes work. */
  public static BenchCluster start(int workers, List<String> nodeJvmOptions) {
    return start(workers, nodeJvmOptions, List.of());
  }

  /** @param passOn what its node is started with besides ({@code --journal ""}: none) */
  public static BenchCluster start(int workers, List<String> nodeJvmOptions, List<String> passOn) {
    Path dir;
    try {
      dir = Files.createTempDirectory("tandem-bench");
    } catch (IOException e) {
      throw CliException.usage("cannot create a folder for the benchmark's cluster: " + e.getMessage());
    }
    LocalCluster cluster = LocalCluster.in(dir);
    ClusterState state = cluster.start(1, workers, passOn, nodeJvmOptions, READY);
    try {
      TandemClient client = new TandemClient(URI.create(state.nodes().get(0).url()));
      awaitWorkers(client, workers);
      return new BenchCluster(client, cluster);
    } catch (RuntimeException e) {
      cluster.stop(Duration.ofSeconds(5));
      throw e;
    }
  }

  /** A running node; its workers are whatever the cluster has. */
  public static BenchCluster attach(TandemClient client) {
    return new BenchCluster(client, null);
  }

  /** Waits until the node has {@code workers} workers ready for its jobs (Up is not yet ready). */
  static void awaitWorkers(TandemClient client, int workers) {
    if (client.awaitWorkers(count -> count >= workers, READY).join() < workers) {
      throw new CliException(ExitCodes.JOB_FAILED, "the node's " + workers + " workers were not ready within " + READY.toSeconds() + " s");
    }
  }

  /** What a worker started by hand needs to join this cluster (its secret), when bench started it. */
  List<String> joinOptions() {
    return started == null ? List.of() : started.secretOptions();
  }

  public TandemClient client() {
    return client;
  }

  public int workers() {
    return workers;
  }

  /** Whether this benchmark started the cluster (and may start and stop processes in it). */
  public boolean ownCluster() {
    return started != null;
  }

  public long nodePid() {
    return nodePid;
  }

  /** The node and every worker process of the cluster. */
  public List<Long> nodeAndWorkerPids() {
    List<Long> pids = new ArrayList<>();
    pids.add(nodePid);
    for (JsonNode member : client.members().join()) {
      if (member.path("roles").toString().contains("\"worker\"") && member.path("pid").isNumber()) {
        pids.add(member.path("pid").asLong());
      }
    }
    return pids;
  }

  /** Whether the processes can be watched from here (the node runs on this machine). */
  public boolean local() {
    String host = client.base().getHost();
    return ("127.0.0.1".equals(host) || "localhost".equals(host)) && ProcessSampler.isLocal(nodePid);
  }

  /**
   * Keeps the cluster's logs when it is closed (a row failed: they say why), and says where they
   * are; empty for a cluster bench did not start.
   */
  Optional<Path> keepLogs() {
    if (started == null) {
      return Optional.empty();
    }
    keepLogs = true;
    return Optional.of(started.dir().resolve("logs"));
  }

  @Override
  public void close() {
    if (started != null) {
      started.stop(Duration.ofSeconds(20), keepLogs);
    }
  }

  /** The job, if it succeeded; else the benchmark stops with its reason. */
  static JsonNode succeeded(JsonNode job) {
    if (!"succeeded".equals(job.path("state").asText())) {
      throw new CliException(ExitCodes.JOB_FAILED, "a benchmark job did not succeed: " + job.path("state").asText()
          + " (" + job.path("error").asText("no reason given") + ")");
    }
    return job;
  }

  /**
   * Where the node runs blocking jobs, as its catalog says of sleep-blocking: "a virtual thread
   * each (JDK 25)", or a pool of platform threads before JDK 21.
   */
  static String blockingThreads(TandemClient client) {
    for (JsonNode job : client.catalog().join()) {
      if (job.path("name").asText().equals("sleep-blocking")) {
        return job.path("threads").asText();
      }
    }
    throw new CliException(ExitCodes.JOB_FAILED, "the node's catalog has no sleep-blocking job");
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(ExitCodes.JOB_FAILED, "interrupted");
    }
  }
}
