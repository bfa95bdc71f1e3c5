package tandem.node;

import java.nio.file.Path;
import com.typesafe.config.Config;

/**
 * A worker process's settings, read once from {@code tandem.worker}.
 *
 * @param computeThreads threads that run CPU jobs at once
 * @param prefetch tasks a worker may hold beyond its threads, so the next one is ready at once
 * @param wire how large a payload may cross between processes
 * @param dataDir where an I/O job sent to a worker ({@code --on processes}) may read files
 */
public record WorkerSettings(int computeThreads, int prefetch, WireSettings wire, Path dataDir) {
  public static WorkerSettings create(Config config) {
    Config worker = config.getConfig("tandem.worker");
    return new WorkerSettings(
        worker.getInt("compute-threads"),
        worker.getInt("prefetch"),
        WireSettings.create(config),
        Path.of(config.getString("tandem.node.data-dir")).toAbsolutePath().normalize());
  }

  /** How many tasks a worker takes from each node at once. */
  public int capacity() {
    return computeThreads + prefetch;
  }
}
