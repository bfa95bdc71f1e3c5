package tandem.launcher.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Watches local processes while a workload runs: the peak of their summed resident memory and
 * thread count (read from {@code /proc} every few milliseconds) and the CPU time they used.
 * Processes that are not local (no {@code /proc} entry) are left out, so the figures say "-".
 */
final class ProcessSampler implements AutoCloseable {
  private static final long EVERY_MS = 5;
  private final List<Long> pids;
  private final long cpuBefore;
  private final Thread thread;
  private volatile boolean running = true;
  private volatile long peakRss;
  private volatile int peakThreads;
  private final long startRss;

  private ProcessSampler(List<Long> pids) {
    this.pids = pids.stream().filter(ProcessSampler::isLocal).toList();
    sampleOnce();
    this.startRss = peakRss;
    this.cpuBefore = cpuNanos(this.pids);
    this.thread = new Thread(this::sample, "bench-sampler");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /** Starts sampling these processes at once. */
  static ProcessSampler watch(List<Long> pids) {
    return new ProcessSampler(pids);
  }

  /** True when the pid is a process on this machine we can read. */
  static boolean isLocal(long pid) {
    return Files.isReadable(Path.of("/proc", Long.toString(pid), "status"));
  }

  /** What was seen, once the workload is done; empty figures when nothing local was watched. */
  Usage stop() {
    running = false;
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    sampleOnce();
    if (pids.isEmpty()) {
      return Usage.UNKNOWN;
    }
    return new Usage(Duration.ofNanos(cpuNanos(pids) - cpuBefore), peakThreads, peakRss, startRss);
  }

  @Override
  public void close() {
    running = false;
  }

  private void sample() {
    while (running) {
      sampleOnce();
      try {
        Thread.sleep(EVERY_MS);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void sampleOnce() {
    long rss = 0;
    int threads = 0;
    for (long pid : pids) {
      try {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
          if (line.startsWith("VmRSS:")) {
            rss += kilobytes(line) * 1024;
          } else if (line.startsWith("Threads:")) {
            threads += Integer.parseInt(line.substring("Threads:".length()).trim());
          }
        }
      } catch (IOException | RuntimeException gone) {
        // the process ended between two samples: it counts no more
      }
    }
    peakRss = Math.max(peakRss, rss);
    peakThreads = Math.max(peakThreads, threads);
  }

  private static long kilobytes(String line) {
    String digits = line.replaceAll("[^0-9]", "");
    return digits.isEmpty() ? 0 : Long.parseLong(digits);
  }

  private static long cpuNanos(List<Long> pids) {
    long total = 0;
    for (long pid : pids) {
      total += ProcessHandle.of(pid).flatMap(p -> p.info().totalCpuDuration()).map(Duration::toNanos).orElse(0L);
    }
    return total;
  }

  /**
   * What a set of processes used during one run.
   *
   * @param cpu user plus system time, all processes together
   * @param threads the peak of their summed thread counts
   * @param rssBytes the peak of their summed resident memory
   * @param startRssBytes their summed resident memory when the watch began
   */
  record Usage(Duration cpu, int threads, long rssBytes, long startRssBytes) {
    static final Usage UNKNOWN = new Usage(null, -1, -1, -1);

    boolean known() {
      return cpu != null;
    }
  }
}
