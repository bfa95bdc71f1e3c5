package tandem.node.metrics;

import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * The tasks this node's workers ran lately, for the dashboard's task stream (a lane per worker
 * thread, a bar per task, coloured by job): a ring of the last {@link #CAPACITY} tasks, each with
 * a sequence number so that a page's connection sends each one once. Written by the scheduler as
 * tasks end, read by the event streams; a fixed array, so a flood of tiny tasks costs no memory,
 * it only pushes older ones out sooner.
 */
public final class TaskTimeline implements Extension {
  public static final ExtensionId<TaskTimeline> ID = new ExtensionId<>() {
    @Override
    public TaskTimeline createExtension(ActorSystem<?> system) {
      return new TaskTimeline();
    }
  };

  static final int CAPACITY = 4096;

  public static TaskTimeline get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  /**
   * One task as it ended.
   *
   * @param seq its number on this node, from 1
   * @param job the job it ran
   * @param pid the worker's (or the node's, for a task on its threads) process
   * @param thread the thread it ran on there
   * @param endMillis when its result reached this node (epoch ms)
   * @param runMicros how long it ran, as measured where it ran
   * @param ok whether it succeeded
   */
  public record Entry(long seq, String job, long pid, String thread, long endMillis, long runMicros, boolean ok) {}

  private final Entry[] ring = new Entry[CAPACITY];
  private long next = 1;

  TaskTimeline() {}

  public synchronized void ended(String job, long pid, String thread, long runMicros, boolean ok) {
    long seq = next++;
    ring[(int) (seq % CAPACITY)] = new Entry(seq, job, pid, thread == null ? "?" : thread, System.currentTimeMillis(), runMicros, ok);
  }

  /** How many tasks ended here so far. */
  public synchronized long count() {
    return next - 1;
  }

  /**
   * The tasks after {@code seq}, oldest first, at most {@code max} (the newest of them), and how
   * many after {@code seq} are left out (pushed out of the ring, or beyond {@code max}).
   */
  public synchronized Batch after(long seq, int max) {
    long from = Math.max(Math.max(seq + 1, next - CAPACITY), next - max);
    List<Entry> out = new ArrayList<>((int) Math.max(0, next - from));
    for (long s = from; s < next; s++) {
      out.add(ring[(int) (s % CAPACITY)]);
    }
    return new Batch(out, Math.max(0, from - (seq + 1)));
  }

  /** What {@link #after} found. */
  public record Batch(List<Entry> entries, long skipped) {}
}
