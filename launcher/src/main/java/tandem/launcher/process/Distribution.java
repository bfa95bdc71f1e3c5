package tandem.launcher.process;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How to start another Tandem JVM from this one: the same java, the same class path, the
 * settings that must carry over (the distribution's home, logging, {@code -Dtandem.*} and
 * {@code -Dpekko.*} overrides), and the role's JVM options from config.
 */
public final class Distribution {
  private Distribution() {}

  /** Set by bin/tandem; absent when running from a build's class path (tests). */
  public static Optional<Path> home() {
    return Optional.ofNullable(System.getProperty("tandem.home")).map(Path::of);
  }

  /**
   * Options for this JVM's version, for every node and worker it starts: native-heap trimming,
   * which gives freed malloc memory back to the OS every 5 s (~15 MB of an idle node or worker;
   * JDK 21 has it, 17 since 17.0.9, and a JVM without it would refuse to start), and from JDK 23
   * on, as bin/tandem does, leave to use sun.misc.Unsafe (Pekko's and Kryo's), which would print a
   * warning.
   */
  static List<String> versionOptions() {
    List<String> options = new ArrayList<>();
    Runtime.Version v = Runtime.version();
    if (v.feature() >= 21 || (v.feature() == 17 && v.update() >= 9)) {
      options.add("-XX:TrimNativeHeapInterval=5000");
    }
    if (v.feature() >= 23) {
      options.add("--sun-misc-unsafe-memory-access=allow");
    }
    return options;
  }

  /** {@code java <options> -cp <this class path> tandem.launcher.Main <args>}. */
  public static List<String> javaCommand(List<String> jvmOptions, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(jvmOptions);
    command.addAll(versionOptions());
    for (String name : System.getProperties().stringPropertyNames()) {
      if (name.startsWith("tandem.") || name.startsWith("pekko.") || name.equals("logback.configurationFile")) {
        command.add("-D" + name + "=" + System.getProperty(name));
      }
    }
    command.add("--add-opens=java.base/java.lang=ALL-UNNAMED");
    command.add("--add-opens=java.base/java.util=ALL-UNNAMED");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("tandem.launcher.Main");
    command.addAll(args);
    return command;
  }
}
