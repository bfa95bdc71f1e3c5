package tandem.launcher.local;

import java.util.Optional;

/** One node {@code tandem up} started: its pid, cluster and HTTP ports, and log file. */
public record NodeEntry(int index, long pid, int port, int httpPort, String url, String log) {

  /** The live process, if this pid is still the Tandem node that was started (not a reused pid). */
  public Optional<ProcessHandle> handle() {
    return ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .filter(p -> !zombie(p.pid()))
        .filter(p -> p.info().commandLine().map(NodeEntry::isTandem).orElse(true));
  }

  /**
   * Whether the process is dead but not reaped (a node killed after 'tandem up' exited is init's
   * child, and in a container init may never reap it): the JDK counts it alive.
   */
  static boolean zombie(long pid) {
    try {
      String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat"));
      int end = stat.lastIndexOf(')');
      return end > 0 && end + 2 < stat.length() && (stat.charAt(end + 2) == 'Z' || stat.charAt(end + 2) == 'X');
    } catch (java.io.IOException | RuntimeException e) {
      return false; // no /proc here: as the JDK says
    }
  }

  /**
   * Whether a command line is a Tandem process's (not another that got the pid since). The JDK
   * reads at most 4 KB of a process's command line, and the class path alone can be longer (it
   * was, once the Prometheus client's jars came: every node looked dead to 'tandem up'), so the
   * -Dtandem.home that comes before it counts as much as the main class after it.
   */
  static boolean isTandem(String commandLine) {
    return commandLine.contains("tandem.launcher.Main") || commandLine.contains(" -Dtandem.home=");
  }

  public boolean alive() {
    return handle().isPresent();
  }
}
