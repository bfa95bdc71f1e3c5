package tandem.launcher.process;

import com.typesafe.config.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How worker JVMs are started beyond their configured options. The distribution's class-data
 * sharing (AppCDS) archive: the classes a worker loads, parsed and laid out once at build time
 * ({@code tandem cds-train}) and mapped by every worker after, which cuts its start-up; one per JVM
 * build, since an archive only fits the JVM that wrote it (without one, workers start as usual).
 */
public final class WorkerJvm {
  private WorkerJvm() {}

  /** Where the archive for this JVM lives (or would), under the distribution's {@code lib/cds}. */
  public static Optional<Path> path() {
    String jvm = Runtime.version().toString().replaceAll("[^A-Za-z0-9.+_-]", "_");
    return Distribution.home().map(home -> home.resolve("lib/cds/worker-" + jvm + ".jsa"));
  }

  /**
   * The configured worker JVM options ({@code tandem.launcher.worker-jvm-options}) with the heap
   * from {@code tandem.worker.heap}; without the archive, e.g. to record the archive.
   */
  public static List<String> configured(Config config) {
    List<String> options = new ArrayList<>(config.getStringList("tandem.launcher.worker-jvm-options"));
    // Last, so it wins over an -Xmx among the options: the node names this heap when a job runs a
    // worker out of memory.
    options.add("-Xmx" + heapArgument(config.getBytes("tandem.worker.heap")));
    return options;
  }

  /** Bytes as -Xmx takes them: in megabytes when whole, which reads better in ps. */
  private static String heapArgument(long bytes) {
    long mib = 1024 * 1024;
    return bytes % mib == 0 ? bytes / mib + "m" : Long.toString(bytes);
  }

  /** The worker JVM options from config, plus the archive where this JVM has one. */
  public static List<String> options(Config config) {
    List<String> options = configured(config);
    path().filter(Files::isReadable).ifPresent(archive -> {
      options.add("-XX:SharedArchiveFile=" + archive);
      // An archive that no longer fits (a changed class path) is skipped silently, never fatal.
      options.add("-Xshare:auto");
      options.add("-Xlog:cds=off");
      options.add("-Xlog:cds+dynamic=off");
    });
    return options;
  }
}
