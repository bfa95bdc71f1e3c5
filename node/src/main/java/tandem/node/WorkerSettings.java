package tandem.node;

import com.typesafe.config.Config;

/**
 * A worker process's settings, read once from {@code tandem.worker}.
 *
 * @param computeThreads threads that run CPU jobs at once
 * @param prefetch tasks a worker may hold beyond its threads, so the next one is ready at once
 * @param maxResultBytes the largest result a worker sends back in one message
 */
public record WorkerSettings(int computeThreads, int prefetch, int maxResultBytes) {
  public static WorkerSettings create(Config config) {
    Config worker = config.getConfig("tandem.worker");
    return new WorkerSettings(
        worker.getInt("compute-threads"),
        worker.getInt("prefetch"),
        Math.toIntExact(worker.getBytes("max-result-bytes")));
  }

  /** How many tasks a worker takes from each node at once. */
  public int capacity() {
    return computeThreads + prefetch;
  }
}
