package tandem.node;

import com.typesafe.config.Config;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.time.Duration;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives a process's grown heap back once it is idle. The serial collector that nodes and workers
 * use grows the heap under a burst (a map of 10,000,000 results read in order took a node from
 * 180 to 370 MB) and keeps it: it resizes only after a full collection, which an idle process
 * never has. So once no collection at all has run for a while (nothing allocates: idle) and the
 * heap has grown well beyond its size after the last such return, this asks for one full collection, after which the JVM
 * shrinks the heap to its live data plus {@code -XX:MaxHeapFreeRatio} (the launcher starts nodes
 * and workers with {@code -XX:-ShrinkHeapInSteps}, so it does so at once). What JDK 17's serial
 * collector lacks and G1's {@code G1PeriodicGCInterval} does, at the cost of one pause of tens of
 * milliseconds after a burst, when nothing runs.
 */
public final class HeapReturn {
  private static final Logger LOG = LoggerFactory.getLogger(HeapReturn.class);

  private HeapReturn() {}

  /** The timer's tick. */
  public enum Tick { TICK }

  /**
   * Checks every {@code tandem.memory.return-idle-heap-after}; none when it is 0.
   *
   * @return the behavior, or null when returning heap is off
   */
  public static Behavior<Tick> create(Config config) {
    Duration every = config.getDuration("tandem.memory.return-idle-heap-after");
    long above = config.getBytes("tandem.memory.return-idle-heap-above");
    if (every.isZero()) {
      return null;
    }
    return Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(Tick.TICK, every);
      return watching(above, collections(), committed());
    });
  }

  /**
   * @param collectionsBefore collections counted at the last tick
   * @param floor the heap's committed size after the last return (or at start): the size the JVM
   *     keeps for its live data; only growth beyond it is worth a collection, or an idle process
   *     would collect every tick for nothing
   */
  private static Behavior<Tick> watching(long above, long collectionsBefore, long floor) {
    return Behaviors.receive(Tick.class).onMessage(Tick.class, tick -> {
      long collections = collections();
      MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
      if (collections == collectionsBefore && heap.getCommitted() - floor > above) {
        long start = System.nanoTime();
        System.gc();
        MemoryUsage after = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        LOG.debug("idle: heap {} MB committed, {} MB used; after one full collection ({} ms) {} MB committed, {} MB used",
            heap.getCommitted() >> 20, heap.getUsed() >> 20, (System.nanoTime() - start) / 1_000_000,
            after.getCommitted() >> 20, after.getUsed() >> 20);
        return watching(above, collections(), after.getCommitted());
      }
      // A heap that shrank by itself (a full collection under load) lowers the floor too.
      return watching(above, collections, Math.min(floor, heap.getCommitted()));
    }).build();
  }

  private static long committed() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted();
  }

  /** Collections of every collector since the JVM started. */
  private static long collections() {
    long n = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      n += Math.max(0, gc.getCollectionCount());
    }
    return n;
  }
}
