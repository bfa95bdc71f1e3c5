package tandem.node.owner;

import tandem.protocol.job.BadInputException;

/**
 * Where a job runs: by its kind (the default: CPU jobs in worker processes, I/O jobs on a node's
 * I/O dispatcher), or where a user sends it for an experiment ({@code --on threads|processes}).
 */
public enum Placement {
  BY_KIND,
  /** On the owner node's threads: a CPU job on its compute dispatcher, an I/O job as by kind. */
  THREADS,
  /** In a worker process: an I/O job then holds a worker's thread while it waits. */
  PROCESSES;

  /** {@code threads} or {@code processes}; null or empty means by kind. */
  public static Placement parse(String text) {
    if (text == null || text.isEmpty()) {
      return BY_KIND;
    }
    return switch (text) {
      case "threads" -> THREADS;
      case "processes" -> PROCESSES;
      default -> throw new BadInputException("on must be threads or processes, not '" + text + "'");
    };
  }
}
