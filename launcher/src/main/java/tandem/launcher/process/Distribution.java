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

  /** {@code java <options> -cp <this class path> tandem.launcher.Main <args>}. */
  public static List<String> javaCommand(List<String> jvmOptions, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(jvmOptions);
    if (Runtime.version().feature() >= 23) {
      // As bin/tandem does: Pekko's and Kryo's sun.misc.Unsafe use would print a warning.
      command.add("--sun-misc-unsafe-memory-access=allow");
    }
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
