package tandem.node;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A node's settings, read once from {@code tandem { }}; defaults live in reference.conf.
 *
 * @param workers local worker processes to spawn and keep running
 * @param dataDir the folder file jobs may read below
 * @param httpToken the bearer token every HTTP request must carry, or null when none is asked
 *     for (then the API must listen on a loopback address)
 * @param maxWait the longest an HTTP request waits for a job before answering with its state
 * @param retainFinished how many finished jobs a node remembers
 * @param retries how often a CPU job whose worker was lost is started again
 * @param timeout how long a job may take unless it says otherwise, or null for no limit
 * @param cancelGrace how long a cancelled or timed-out CPU job has to stop before its worker is
 *     killed
 * @param diagnostics whether the built-in hang, crash and hog jobs may be run
 * @param drainDeadline how long a stopping node lets its unfinished jobs run before it cancels them
 * @param maxQueued the most jobs and map elements a node holds unfinished; more are refused (503)
 * @param maxMapElements the most elements one map may have
 * @param unreadTimeout how long a map that streams its results waits for a reader once it holds as
 *     many unread results as it may, before it fails
 * @param wire how large a payload may cross between processes
 * @param workerHeapBytes the largest heap of each worker this node starts (tandem.worker.heap)
 */
public record NodeSettings(
    int workers,
    Path dataDir,
    String httpHost,
    int httpPort,
    String httpToken,
    Duration maxWait,
    long maxBodyBytes,
    int retainFinished,
    int retries,
    Duration timeout,
    Duration cancelGrace,
    boolean diagnostics,
    Duration drainDeadline,
    int maxQueued,
    int maxMapElements,
    WireSettings wire,
    long workerHeapBytes,
    Duration unreadTimeout) {

  public static NodeSettings create(Config config) {
    Config tandem = config.getConfig("tandem");
    String workers = tandem.getString("node.workers");
    return new NodeSettings(
        "auto".equals(workers) ? Runtime.getRuntime().availableProcessors() : parseCount(workers),
        Path.of(tandem.getString("node.data-dir")).toAbsolutePath().normalize(),
        tandem.getString("http.host"),
        tandem.getInt("http.port"),
        HttpToken.read(tandem.getString("http.token"), tandem.getString("http.host")),
        tandem.getDuration("http.max-wait"),
        tandem.getBytes("http.max-body-bytes"),
        tandem.getInt("jobs.retain-finished"),
        tandem.getInt("jobs.retries"),
        "none".equals(tandem.getString("jobs.timeout")) ? null : tandem.getDuration("jobs.timeout"),
        tandem.getDuration("jobs.cancel-grace"),
        tandem.getBoolean("jobs.diagnostics"),
        tandem.getDuration("node.drain-deadline"),
        tandem.getInt("jobs.max-queued"),
        tandem.getInt("jobs.max-map-elements"),
        WireSettings.create(config),
        tandem.getBytes("worker.heap"),
        tandem.getDuration("jobs.unread-timeout"));
  }

  private static int parseCount(String text) {
    try {
      int n = Integer.parseInt(text.trim());
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw new IllegalArgumentException(
        "tandem.node.workers must be 'auto' or a whole number >= 0, not '" + text + "'");
  }
}
