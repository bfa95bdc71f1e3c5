package tandem.protocol;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What one process (node or worker) says about itself when asked: what its JVM uses and what it
 * runs. The dashboard and {@code GET /metrics} show every member's through any node, so that
 * scraping or opening one node is enough.
 *
 * @param startedAtMillis when its JVM started (epoch milliseconds)
 * @param cpuNanos CPU time the process used since it started (user and system), or -1
 * @param rssBytes its resident memory (Linux's VmRSS), or -1 where unknown
 * @param heapUsedBytes heap in use
 * @param heapCommittedBytes heap the JVM holds
 * @param heapMaxBytes the heap's limit (-Xmx), or -1
 * @param gcCount collections of every collector since start
 * @param gcMillis time spent in them
 * @param threads live JVM threads
 * @param slots tasks it can run at once (a worker's compute threads), 0 for a node
 * @param tasksRunning tasks it runs now
 * @param tasksRun tasks it finished since it started
 */
public record Vitals(
    long startedAtMillis,
    long cpuNanos,
    long rssBytes,
    long heapUsedBytes,
    long heapCommittedBytes,
    long heapMaxBytes,
    long gcCount,
    long gcMillis,
    int threads,
    int slots,
    int tasksRunning,
    long tasksRun)
    implements WireMessage {

  /** This process's vitals now, with what it runs as its caller counts it. */
  public static Vitals ofThisProcess(int slots, int tasksRunning, long tasksRun) {
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    long gcCount = 0;
    long gcMillis = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      gcCount += Math.max(0, gc.getCollectionCount());
      gcMillis += Math.max(0, gc.getCollectionTime());
    }
    return new Vitals(
        ManagementFactory.getRuntimeMXBean().getStartTime(),
        ProcessHandle.current().info().totalCpuDuration().map(d -> d.toNanos()).orElse(-1L),
        rss(),
        heap.getUsed(),
        heap.getCommitted(),
        heap.getMax(),
        gcCount,
        gcMillis,
        ManagementFactory.getThreadMXBean().getThreadCount(),
        slots,
        tasksRunning,
        tasksRun);
  }

  /** VmRSS from /proc/self/status; -1 on a system without it. */
  private static long rss() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | RuntimeException unknown) {
      // not Linux, or not readable: unknown
    }
    return -1;
  }
}
