package tandem.node;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A node's settings, read once from {@code tandem { }}; defaults live in reference.conf.
 *
 * @param workers local worker processes to spawn and keep running
 * @param dataDir the folder file jobs may read below
 * @param maxWait the longest an HTTP request waits for a job before answering with its state
 * @param retainFinished how many finished jobs a node remembers
 * @param retries how often a CPU job whose worker was lost is started again
 * @param maxMapElements the most elements one map may have
 * @param wire how large a payload may cross between processes
 */
public record NodeSettings(
    int workers,
    Path dataDir,
    String httpHost,
    int httpPort,
    Duration maxWait,
    long maxBodyBytes,
    int retainFinished,
    int retries,
    int maxMapElements,
    WireSettings wire) {

  public static NodeSettings create(Config config) {
    Config tandem = config.getConfig("tandem");
    String workers = tandem.getString("node.workers");
    return new NodeSettings(
        "auto".equals(workers) ? Runtime.getRuntime().availableProcessors() : parseCount(workers),
        Path.of(tandem.getString("node.data-dir")).toAbsolutePath().normalize(),
        tandem.getString("http.host"),
        tandem.getInt("http.port"),
        tandem.getDuration("http.max-wait"),
        tandem.getBytes("http.max-body-bytes"),
        tandem.getInt("jobs.retain-finished"),
        tandem.getInt("jobs.retries"),
        tandem.getInt("jobs.max-map-elements"),
        WireSettings.create(config));
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
