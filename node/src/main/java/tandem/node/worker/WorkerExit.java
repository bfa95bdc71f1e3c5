package tandem.node.worker;

/**
 * The exit codes that tell a node why one of its worker processes ended (it reads them from the
 * OS; a worker started elsewhere dies unseen, and is only lost to the cluster).
 */
public final class WorkerExit {
  private WorkerExit() {}

  /**
   * Out of memory: what HotSpot exits with under {@code -XX:+ExitOnOutOfMemoryError}, which every
   * worker JVM a node starts runs with. Nothing else in a worker exits with it.
   */
  public static final int OUT_OF_MEMORY = 3;

  /** Halted at its node's request: a task ignored its cancel past the grace period. */
  public static final int HALTED = 4;

  /** Could not join the cluster, or was removed from it (3 for a worker a user starts). */
  public static final int NOT_JOINED = 5;
}
