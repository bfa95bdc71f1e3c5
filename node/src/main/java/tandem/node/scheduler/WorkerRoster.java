package tandem.node.scheduler;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorRef;
import tandem.protocol.WorkerProtocol.Task;
import tandem.protocol.WorkerProtocol.ToWorker;

/**
 * The CPU side of a node's scheduling: the workers it knows, what each runs for this node, and the
 * tasks waiting for a free slot. A worker never gets more tasks from this node than the capacity it
 * announced, so its queue stays bounded. Not thread-safe: one actor owns it. Kept mutable because
 * it sits on the hot path of every CPU task.
 */
final class WorkerRoster {

  /** Tasks expected to take less than this (RunTimes) are short: their worker may hold more of them. */
  static final long SHORT_TASK_MICROS = 1_000;
  /**
   * How much work, per compute thread, a worker of short tasks may hold: a task that takes
   * microseconds would otherwise wait a whole round trip between node and worker for the next,
   * and each message to a worker would carry one or two tasks (measured: no-ops one by one went
   * from 18k/s to 35-50k/s when a worker held 128 of them instead of 8, and the workers spent half the CPU).
   * Held back, short tasks cost at most this much imbalance between workers.
   */
  static final long SHORT_TASK_BUDGET_MICROS = 8_000;
  /** A worker of short tasks holds at least this many times its capacity (tasks near 1 ms)... */
  static final int MIN_SHORT_WINDOW = 8;
  /** ...and at most this many (no-ops): beyond it, messages are long enough that more saves nothing. */
  static final int MAX_SHORT_WINDOW = 128;

  /** How many times its capacity a worker may hold of tasks expected to take {@code micros} each. */
  static int window(long micros) {
    if (micros >= SHORT_TASK_MICROS) {
      return 1;
    }
    long fits = SHORT_TASK_BUDGET_MICROS / Math.max(1, micros);
    return (int) Math.max(MIN_SHORT_WINDOW, Math.min(MAX_SHORT_WINDOW, fits));
  }

  /** One worker as this node sees it. */
  static final class Slot {
    final ActorRef<ToWorker> ref;
    final long pid;
    final int capacity;
    /** The number the worker gave this node; it goes on every message to the worker. */
    final int nodeNo;
    final Map<Long, Task> inFlight = new LinkedHashMap<>();
    /** Whether it is stopping: it finishes what it has and gets nothing new. */
    private boolean retiring;

    Slot(ActorRef<ToWorker> ref, long pid, int capacity, int nodeNo) {
      this.ref = ref;
      this.pid = pid;
      this.capacity = capacity;
      this.nodeNo = nodeNo;
    }

    /** How many more tasks it may take now, of a kind it may hold {@code window} x its capacity of. */
    int free(int window) {
      if (retiring) {
        return 0;
      }
      return capacity * window - inFlight.size();
    }

    String address() {
      return ref.path().address().toString();
    }

    /**
     * The tasks it most likely runs now rather than holds in its queue: the oldest it was sent
     * and has not finished, one per compute thread. A worker runs tasks in the order they come,
     * and takes one more than its threads (tandem.worker.prefetch); its threads are not on the
     * wire. A guess when other nodes' tasks run there too.
     */
    Set<Long> likelyRunning() {
      return inFlight.keySet().stream().limit(Math.max(1, capacity - 1))
          .collect(Collectors.toCollection(LinkedHashSet::new));
    }
  }

  /** Tasks to send to one worker. */
  record Assignment(Slot worker, List<Task> tasks) {}

  private final Map<ActorRef<ToWorker>, Slot> workers = new LinkedHashMap<>();
  private final Deque<Task> queue = new ArrayDeque<>();
  /**
   * How long each kind of task ran lately (its job, and whether it is a chunk of a map). Kept per
   * kind, not per worker: a worker that just ran no-ops must not be sent a deep queue of the next
   * map's long chunks (which would also starve other nodes' tasks queued behind them on that worker).
   */
  private final Map<String, RunTimes> runTimes = new HashMap<>();

  /**
   * A kind's moving average and its longest run lately, in microseconds. The longest counts too: a
   * job whose runs differ (primes of small and of large n, under one name) must not be sent as if
   * each took the average. It fades by 1/64 a run, so one hiccup (a collection in the worker)
   * narrows the window only for a while.
   */
  static final class RunTimes {
    long average;
    long longest;

    RunTimes(long first) {
      average = first;
      longest = first;
    }

    void add(long micros) {
      average = average - average / 8 + micros / 8;
      longest = Math.max(micros, longest - longest / 64);
    }

    /** What to expect of the next one, for the window: a quarter of the longest if that is more than the average. */
    long expected() {
      return Math.max(average, longest / 4);
    }
  }

  private static String kind(Task task) {
    return task.chunk() ? task.job() + "#chunk" : task.job();
  }

  /** The window for tasks like this one, from how long they ran lately; an unknown kind counts as long. */
  private int windowFor(Task task) {
    RunTimes times = runTimes.get(kind(task));
    return times == null ? 1 : window(times.expected());
  }

  /** Adds a worker; false if it was known already. */
  boolean add(ActorRef<ToWorker> ref, long pid, int capacity, int nodeNo) {
    return workers.putIfAbsent(ref, new Slot(ref, pid, Math.max(1, capacity), nodeNo)) == null;
  }

  /** Forgets a worker; the tasks it was running for this node come back to be retried or failed. */
  Optional<Slot> remove(ActorRef<ToWorker> ref) {
    return Optional.ofNullable(workers.remove(ref));
  }

  /** Sends a worker no more tasks; the ones it runs still come back. Empty for an unknown worker. */
  Optional<Slot> retire(ActorRef<ToWorker> ref) {
    Slot slot = workers.get(ref);
    if (slot != null) {
      slot.retiring = true;
    }
    return Optional.ofNullable(slot);
  }

  Optional<Slot> byPid(long pid) {
    return workers.values().stream().filter(s -> s.pid == pid).findFirst();
  }

  void enqueue(Task task) {
    queue.addLast(task);
  }

  /** Puts a task that must be retried ahead of new work. */
  void retryFirst(Task task) {
    queue.addFirst(task);
  }

  /** The OS pid of the worker at {@code ref}, or -1 for one not (or no longer) on the roster. */
  long pidOf(ActorRef<ToWorker> ref) {
    Slot slot = workers.get(ref);
    return slot == null ? -1 : slot.pid;
  }

  /**
   * Marks a task done on a worker, having run {@code runMicros} (or -1 when unknown).
   *
   * @return false for a result this node no longer expects from that worker (a late result from a
   *     worker declared lost): it must be ignored, so every result is delivered once
   */
  boolean complete(ActorRef<ToWorker> ref, long taskId, long runMicros) {
    Slot slot = workers.get(ref);
    Task task = slot == null ? null : slot.inFlight.remove(taskId);
    if (task == null) {
      return false;
    }
    if (runMicros >= 0) {
      String kind = kind(task);
      RunTimes times = runTimes.get(kind);
      if (times == null) {
        runTimes.put(kind, new RunTimes(runMicros));
      } else {
        times.add(runMicros);
      }
    }
    return true;
  }

  /** Takes a task out of the queue before any worker got it; false if it is not queued. */
  boolean removeQueued(long taskId) {
    return queue.removeIf(t -> t.taskId() == taskId);
  }

  /** The worker running a task for this node, if any. */
  Optional<Slot> holding(long taskId) {
    return workers.values().stream().filter(s -> s.inFlight.containsKey(taskId)).findFirst();
  }

  /**
   * Hands queued tasks to the workers with the most free slots, until either runs out. Beyond its
   * capacity, a worker of short tasks holds no more than its fair share of all the tasks queued or
   * running: the next tasks may be long ones (a new map after a stream of no-ops), and must not
   * pile up on the worker that happened to run the short ones.
   */
  List<Assignment> assign() {
    Map<Slot, List<Task>> batches = new LinkedHashMap<>();
    int held = queue.size();
    for (Slot s : workers.values()) {
      held += s.inFlight.size();
    }
    int share = workers.isEmpty() ? 0 : (held + workers.size() - 1) / workers.size();
    while (!queue.isEmpty()) {
      int window = windowFor(queue.peekFirst());
      Slot best = null;
      for (Slot s : workers.values()) {
        boolean mayTake = s.free(window) > 0 && s.inFlight.size() < Math.max(s.capacity, share);
        if (mayTake && (best == null || s.free(window) > best.free(window))) {
          best = s;
        }
      }
      if (best == null) {
        break;
      }
      Task task = queue.pollFirst();
      best.inFlight.put(task.taskId(), task);
      batches.computeIfAbsent(best, s -> new ArrayList<>()).add(task);
    }
    List<Assignment> out = new ArrayList<>(batches.size());
    batches.forEach((slot, tasks) -> out.add(new Assignment(slot, tasks)));
    return out;
  }

  int queued() {
    return queue.size();
  }

  Collection<Slot> workers() {
    return workers.values();
  }
}
