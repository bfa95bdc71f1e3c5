package tandem.node.pool;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.Done;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.typed.Cluster;
import tandem.node.scheduler.TaskScheduler;
import tandem.node.worker.WorkerExit;

/**
 * Keeps a node's local worker processes running: starts them, hears of each one's end from the OS
 * at once (and tells the TaskScheduler, so its tasks are retried without waiting for the cluster),
 * starts a replacement with back-off when one keeps dying, and stops them all when the node stops.
 */
public final class WorkerPool extends AbstractBehavior<WorkerPool.Command> {

  public sealed interface Command extends NoSerializationVerificationNeeded
      permits StopAll, Resize, Exited, Replace, ForceKill {}

  /**
   * Keep {@code count} workers from now on: start the missing ones, or stop the newest extra ones
   * gracefully (each finishes its running tasks first).
   */
  public record Resize(int count, ActorRef<Resized> replyTo) implements Command {}

  /** What a {@link Resize} does: from {@code before} workers to {@code wanted}. */
  public record Resized(int before, int wanted, int starting, int stopping) implements NoSerializationVerificationNeeded {}

  /**
   * Stop every worker: SIGTERM, then SIGKILL for any still running after {@code grace}; answer
   * once all are gone.
   */
  public record StopAll(Duration grace, ActorRef<Done> replyTo) implements Command {}

  private record Exited(Process process) implements Command {}

  private enum Replace implements Command { INSTANCE }

  private enum ForceKill implements Command { INSTANCE }

  private static final Duration QUICK_DEATH = Duration.ofSeconds(10);
  /** How the JVM reports a process ended by SIGKILL (kill -9, the OOM killer) and by SIGTERM. */
  private static final int SIGKILLED = 128 + 9;
  private static final int SIGTERMED = 128 + 15;
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  public static Behavior<Command> create(
      int count, WorkerProcessFactory factory, ActorRef<TaskScheduler.Command> scheduler) {
    return Behaviors.setup(
        context -> Behaviors.withTimers(timers -> new WorkerPool(context, timers, count, factory, scheduler)));
  }

  private final TimerScheduler<Command> timers;
  private int wanted;
  private final WorkerProcessFactory factory;
  private final ActorRef<TaskScheduler.Command> scheduler;
  private final String seed;
  private final Map<Long, Process> running = new HashMap<>();
  private final Map<Long, Instant> startedAt = new HashMap<>();
  /** Workers stopped by a {@link Resize}: their end is no reason to start another. */
  private final Set<Long> retiring = new HashSet<>();
  private final List<ActorRef<Done>> stoppers = new ArrayList<>();
  private int quickDeaths;
  private boolean stopping;

  private WorkerPool(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      int wanted,
      WorkerProcessFactory factory,
      ActorRef<TaskScheduler.Command> scheduler) {
    super(context);
    this.timers = timers;
    this.wanted = wanted;
    this.factory = factory;
    this.scheduler = scheduler;
    var self = Cluster.get(context.getSystem()).selfMember().address();
    this.seed = self.getHost().get() + ":" + self.getPort().get();
    for (int i = 0; i < wanted; i++) {
      startOne();
    }
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Exited.class, this::onExited)
        .onMessage(Replace.class, r -> topUp())
        .onMessage(StopAll.class, this::onStopAll)
        .onMessage(Resize.class, this::onResize)
        .onMessage(ForceKill.class, k -> forceKill())
        .onSignal(PostStop.class, s -> forceKill())
        .build();
  }

  private void startOne() {
    try {
      Process process = factory.start(seed);
      running.put(process.pid(), process);
      startedAt.put(process.pid(), Instant.now());
      getContext().pipeToSelf(process.onExit(), (p, error) -> new Exited(process));
      getContext().getLog().info("started worker process pid {}", process.pid());
    } catch (IOException e) {
      getContext().getLog().error("cannot start a worker process: {}", e.getMessage());
      scheduleReplacement();
    }
  }

  private Behavior<Command> onResize(Resize resize) {
    int before = running.size() - retiring.size();
    wanted = resize.count();
    int starting = 0;
    int stopping = 0;
    if (!this.stopping) {
      for (; before + starting < wanted; starting++) {
        startOne();
      }
      // The newest go first: the oldest have the warmest JIT.
      List<Long> newestFirst = startedAt.entrySet().stream()
          .filter(e -> !retiring.contains(e.getKey()))
          .sorted(Map.Entry.<Long, Instant>comparingByValue().reversed())
          .map(Map.Entry::getKey)
          .toList();
      for (; before - stopping > wanted && stopping < newestFirst.size(); stopping++) {
        long pid = newestFirst.get(stopping);
        retiring.add(pid);
        getContext().getLog().info("stopping worker pid {} (scaled to {}): it finishes its running tasks first", pid, wanted);
        // SIGTERM: the worker tells every node to send it nothing more, finishes, then leaves.
        running.get(pid).toHandle().destroy();
      }
    }
    resize.replyTo().tell(new Resized(before, wanted, starting, stopping));
    return this;
  }

  private Behavior<Command> onExited(Exited exited) {
    Process process = exited.process();
    running.remove(process.pid());
    Instant started = startedAt.remove(process.pid());
    boolean outOfMemory = process.exitValue() == WorkerExit.OUT_OF_MEMORY;
    scheduler.tell(new TaskScheduler.LocalWorkerExited(process.pid(), outOfMemory));
    if (stopping) {
      return running.isEmpty() ? stopped() : this;
    }
    if (retiring.remove(process.pid())) {
      getContext().getLog().info("worker pid {} stopped as asked (exit code {})", process.pid(), process.exitValue());
      return this;
    }
    if (running.size() - retiring.size() >= wanted) {
      return this; // scaled down meanwhile: no replacement wanted
    }
    Duration lived = Duration.between(started, Instant.now());
    int code = process.exitValue();
    boolean killed = code == SIGKILLED || code == SIGTERMED;
    getContext().getLog().warn(
        "worker pid {} exited with code {}{} after {} ms; starting a replacement",
        process.pid(), code, killed ? " (killed by a signal)" : outOfMemory ? " (ran out of memory)" : "", lived.toMillis());
    // Back-off is for a worker that fails by itself, young, again and again (a crash loop). One
    // killed from outside, or by a job that took all its memory, is replaced at once: it was not
    // its fault, and its work is waiting (the job that did it fails after a second try).
    killed |= outOfMemory;
    if (!killed) {
      quickDeaths = lived.compareTo(QUICK_DEATH) < 0 ? quickDeaths + 1 : 0;
    }
    if (killed || quickDeaths == 0) {
      startOne();
    } else {
      scheduleReplacement();
    }
    return this;
  }

  /** A worker that keeps dying young is replaced after 1, 2, 4 ... 30 s: no restart storm. */
  private void scheduleReplacement() {
    long seconds = Math.min(MAX_BACKOFF.toSeconds(), 1L << Math.min(quickDeaths, 5));
    if (!timers.isTimerActive(Replace.INSTANCE)) {
      getContext().getLog().info("next worker start in {} s", seconds);
      timers.startSingleTimer(Replace.INSTANCE, Replace.INSTANCE, Duration.ofSeconds(seconds));
    }
  }

  /** Starts one missing worker; if more are missing, the next after another back-off. */
  private Behavior<Command> topUp() {
    if (!stopping && running.size() < wanted) {
      startOne();
      if (running.size() < wanted) {
        scheduleReplacement();
      }
    }
    return this;
  }

  private Behavior<Command> onStopAll(StopAll stop) {
    stopping = true;
    stoppers.add(stop.replyTo());
    if (running.isEmpty()) {
      return stopped();
    }
    // SIGTERM through the handle: Process.destroy() would also close the worker's stdin, and the
    // worker would halt at once instead of leaving the cluster, leaving an unreachable member
    // behind that holds up this node's own leave.
    running.values().forEach(p -> p.toHandle().destroy());
    // Not sooner: a worker killed before it is Exiting dies a member, and the cluster downs it.
    timers.startSingleTimer(ForceKill.INSTANCE, ForceKill.INSTANCE, stop.grace());
    return this;
  }

  private Behavior<Command> forceKill() {
    running.values().forEach(Process::destroyForcibly);
    return this;
  }

  private Behavior<Command> stopped() {
    stoppers.forEach(s -> s.tell(Done.getInstance()));
    stoppers.clear();
    return this;
  }
}
