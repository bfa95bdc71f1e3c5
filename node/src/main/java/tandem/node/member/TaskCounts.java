package tandem.node.member;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a process runs, as its Worker counts it and its {@link MemberInfo} reports it: read from
 * another actor, hence atomics. A node runs no worker tasks: its counts stay at zero.
 */
public final class TaskCounts {
  private final int slots;
  private final AtomicInteger running = new AtomicInteger();
  private final AtomicLong finished = new AtomicLong();

  /** @param slots tasks the process runs at once (a worker's compute threads, tandem.worker.compute-threads), 0 for a node */
  public TaskCounts(int slots) {
    this.slots = slots;
  }

  public void started() {
    running.incrementAndGet();
  }

  public void finished() {
    running.decrementAndGet();
    finished.incrementAndGet();
  }

  public int slots() {
    return slots;
  }

  /**
   * Tasks running now: those it holds, up to its threads (a worker holds one more, prefetched, so
   * the next starts the moment one ends; that one waits).
   */
  public int running() {
    int held = running.get();
    return slots > 0 ? Math.min(held, slots) : held;
  }

  public long finishedCount() {
    return finished.get();
  }
}
