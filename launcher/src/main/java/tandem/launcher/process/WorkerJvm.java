package tandem.launcher.process;

import com.typesafe.config.Config;
import java.util.ArrayList;
import java.util.List;

/** How worker JVMs are started beyond their configured options: their heap and class archive. */
public final class WorkerJvm {
  private WorkerJvm() {}

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

  /** The worker JVM options from config, plus the worker class archive where this JVM has one. */
  public static List<String> options(Config config) {
    List<String> options = configured(config);
    options.addAll(ClassArchive.useOptions(ClassArchive.Kind.WORKER));
    return options;
  }
}
