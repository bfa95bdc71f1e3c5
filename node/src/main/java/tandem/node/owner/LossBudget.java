package tandem.node.owner;

import tandem.node.OutOfMemory;

/**
 * Whether a task whose worker was lost goes to another worker, or fails, and why. A run that ran
 * its worker out of memory goes to one more worker (the first death may have been another task's
 * doing, or a worker already low on memory), never more: the next would die the same way, and
 * each death costs a worker's start and the other tasks it held.
 */
final class LossBudget {
  /** How many workers one job or element may run out of memory before it fails. */
  static final int MEMORY_LOSSES = 2;

  private final long workerHeapBytes;

  LossBudget(long workerHeapBytes) {
    this.workerHeapBytes = workerHeapBytes;
  }

  /**
   * @param attempts how often it was started, this run included
   * @param memoryLosses how many of its runs ran a worker out of memory, this one included
   * @param byMemory whether this run ran its worker out of memory
   * @param what "this job" or "this element", for the reason
   * @return null to run it again, else the reason it fails
   */
  String verdict(int attempts, int retries, int memoryLosses, boolean byMemory, String what) {
    if (byMemory && (memoryLosses >= MEMORY_LOSSES || attempts > retries)) {
      return OutOfMemory.reason(workerHeapBytes);
    }
    return attempts > retries ? "worker lost " + attempts + " times while running " + what : null;
  }
}
