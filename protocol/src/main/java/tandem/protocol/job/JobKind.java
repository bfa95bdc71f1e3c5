package tandem.protocol.job;

import java.util.Locale;

/** Where a job runs by default. */
public enum JobKind {
  /** In a worker process, on a compute thread. */
  CPU,
  /** On a node, on the I/O dispatcher, without holding a thread while waiting. */
  IO;

  /** The name users see: {@code cpu} or {@code io}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
