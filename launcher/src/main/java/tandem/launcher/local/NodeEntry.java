package tandem.launcher.local;

import java.util.Optional;

/** One node {@code tandem up} started: its pid, cluster and HTTP ports, and log file. */
public record NodeEntry(int index, long pid, int port, int httpPort, String url, String log) {

  /** The live process, if this pid is still the Tandem node that was started (not a reused pid). */
  public Optional<ProcessHandle> handle() {
    return ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .filter(p -> p.info().commandLine().map(c -> c.contains("tandem.launcher.Main")).orElse(true));
  }

  public boolean alive() {
    return handle().isPresent();
  }
}
