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

  /** @param slots tasks the process runs at once (a worker's compute threads), 0 for a node */
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

  public int running() {
    return running.get();
  }

  public long finishedCount() {
    return finished.get();
  }
}
