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

  /**
   * The file in {@code lib/cds} that names the folder the archives were recorded in. On JDK 17 an
   * archive holds the class path's absolute paths, so a distribution copied or moved elsewhere
   * finds its archives unfit, and its JVMs start without them (silently); bin/tandem reads this
   * file to say so, and {@code cds-train} records them again where the distribution is now.
   */
  public static final String RECORDED_FOR = "recorded-for";

  /**
   * Whether the archives under {@code home} were recorded there (or nothing says where, as for
   * archives recorded before this file existed).
   */
  public static boolean fits(Path home) {
    Path where = home.resolve("lib/cds").resolve(RECORDED_FOR);
    try {
      return !Files.isRegularFile(where) || Files.readString(where).strip().equals(home.toRealPath().toString());
    } catch (java.io.IOException e) {
      return true;
    }
  }

  /** Notes that the archives under {@code home} were recorded there (its real path: a link to it is the same folder). */
  public static void recordedFor(Path home) throws java.io.IOException {
    Files.writeString(home.resolve("lib/cds").resolve(RECORDED_FOR), home.toRealPath() + "\n");
  }

  /** The options that map the archive for {@code kind}; none when this JVM has none, or it was recorded elsewhere. */
  public static List<String> useOptions(Kind kind) {
    if (!Distribution.home().map(ClassArchive::fits).orElse(true)) {
      return List.of();
    }
    return path(kind).filter(Files::isReadable)
        // An archive that no longer fits (a changed class path) is skipped silently, never fatal.
        .map(archive -> List.of("-XX:SharedArchiveFile=" + archive, "-Xshare:auto", "-Xlog:cds=off", "-Xlog:cds+dynamic=off"))
        .orElse(List.of());
  }
}
