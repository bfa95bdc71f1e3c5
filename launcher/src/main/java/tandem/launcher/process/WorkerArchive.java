package tandem.launcher.process;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The distribution's class-data sharing (AppCDS) archive for worker JVMs: the classes a worker
 * loads, parsed and laid out once at build time ({@code tandem cds-train}) and mapped by every
 * worker after, which cuts its start-up. One archive per JVM build, since an archive only fits
 * the JVM that wrote it; without one (another JDK, a build that skipped it) workers start as usual.
 */
public final class WorkerArchive {
  private WorkerArchive() {}

  /** Where the archive for this JVM lives (or would), under the distribution's {@code lib/cds}. */
  public static Optional<Path> path() {
    String jvm = Runtime.version().toString().replaceAll("[^A-Za-z0-9.+_-]", "_");
    return Distribution.home().map(home -> home.resolve("lib/cds/worker-" + jvm + ".jsa"));
  }

  /** The worker JVM options, plus the archive when there is one for this JVM. */
  public static List<String> withArchive(List<String> jvmOptions) {
    List<String> options = new ArrayList<>(jvmOptions);
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
