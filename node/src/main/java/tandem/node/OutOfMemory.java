package tandem.node;

/** The one line a job fails with when it ran a worker out of memory. */
public final class OutOfMemory {
  private OutOfMemory() {}

  private static final long MIB = 1024 * 1024;

  /** @param heapBytes the worker's largest heap (-Xmx, from tandem.worker.heap) */
  public static String reason(long heapBytes) {
    return "ran out of memory in a worker (heap " + heapBytes / MIB
        + " MB): raise tandem.worker.heap or make the job smaller";
  }
}
