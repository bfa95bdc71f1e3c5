package tandem.launcher.process;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The distribution's class-data sharing (AppCDS) archives, one per kind of process: the classes a
 * node, a worker or a CLI command loads, parsed and laid out once at build time ({@code tandem cds-train}) and
 * mapped by every such process after. A process starts faster with its archive, and holds less:
 * archived classes need no metaspace of their own (a node's RSS is about 20 MB lower). One per JVM
 * build, since an archive only fits the JVM that wrote it; without one, processes start as usual.
 */
public final class ClassArchive {
  private ClassArchive() {}

  /** Which kind of process an archive is for; its name is part of the file's. */
  public enum Kind {
    NODE, WORKER,
    /** The CLI's commands; bin/tandem maps it, finding it by the JVM's release file. */
    CLI;

    String fileName() {
      String jvm = Runtime.version().toString().replaceAll("[^A-Za-z0-9.+_-]", "_");
      return name().toLowerCase(java.util.Locale.ROOT) + "-" + jvm + ".jsa";
    }
  }

  /** Where this JVM's archive for {@code kind} lives (or would), under the distribution's {@code lib/cds}. */
  public static Optional<Path> path(Kind kind) {
    return Distribution.home().map(home -> home.resolve("lib/cds").resolve(kind.fileName()));
  }

  /** The options that map the archive for {@code kind}; none when this JVM has none. */
  public static List<String> useOptions(Kind kind) {
    return path(kind).filter(Files::isReadable)
        // An archive that no longer fits (a changed class path) is skipped silently, never fatal.
        .map(archive -> List.of("-XX:SharedArchiveFile=" + archive, "-Xshare:auto", "-Xlog:cds=off", "-Xlog:cds+dynamic=off"))
        .orElse(List.of());
  }
}
