package tandem.node.scheduler;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.typed.ClusterCommand;
import org.apache.pekko.cluster.typed.Down;
import tandem.node.Door;
import tandem.node.metrics.NodeMetrics;
import tandem.node.metrics.TaskTimeline;
import tandem.node.WireSettings;
import tandem.node.threads.ThreadRunner;
import tandem.protocol.WorkerProtocol;
import tandem.protocol.WorkerProtocol.Task;
import tandem.protocol.WorkerProtocol.TaskResult;
import tandem.protocol.WorkerProtocol.ToWorker;

/**
 * Runs a node's CPU tasks: knows tasks, not jobs. It owns the worker fleet as this node sees it
 * (who offered how many slots, watched through the cluster and the OS), the queue of tasks
 * waiting for a slot, dispatch in batches, large payloads in parts, and cancel with a grace period
 * after which a worker that ignores it is halted. Whoever enqueued a task hears when it started,
 * how it ended, or that its worker was lost; what to do then (retry, fail, split a chunk) is the
 * owner's call, since only the owner knows the budget of a job or of each element of a map.
 *
 * <p>Workers offer themselves at {@link WorkerProtocol#NODE_INBOX_PATH} ({@link #door}), where
 * they find every node among the cluster's members.
 */
public final class TaskScheduler extends AbstractBehavior<TaskScheduler.Command> {

  /** Everything this actor handles; none of it crosses a process boundary. */
  public sealed interface Command extends NoSerializationVerificationNeeded
      permits Enqueue, Cancel, FollowFleet, LocalWorkerExited, FromWorker, WorkerTerminated, MemberChanged, GraceOver, CheckJoins,
          DispatchQueued, ThreadFinished {}

  /**
   * Run these tasks, each under an id unique on this node: on the node's own threads when {@code
   * threads}, else in a worker with a free slot. {@code first} puts them ahead of the queue, in
   * order (a retry). Events about them go to {@code replyTo}.
   */
  public record Enqueue(List<Task> tasks, boolean threads, boolean first, ActorRef<Event> replyTo) implements Command {
    public static Enqueue of(List<Task> tasks, boolean threads, ActorRef<Event> replyTo) {
      return new Enqueue(tasks, threads, false, replyTo);
    }
  }

  /**
   * Stop these tasks: queued ones leave the queue, running ones are interrupted where they run
   * (and halted with their worker if they ignore it for the grace period). Nothing more is heard of
   * them.
   */
  public record Cancel(List<Long> taskIds) implements Command {}

  /**
   * The OS says a local worker process ended: faster than the cluster can tell, and with its exit
   * code, which says whether it ran out of memory.
   */
  public record LocalWorkerExited(long pid, boolean outOfMemory) implements Command {
    public LocalWorkerExited(long pid) {
      this(pid, false);
    }
  }

  /** What an owner of tasks hears about them. */
  public sealed interface Event extends NoSerializationVerificationNeeded permits Started, Ended, Lost, Logged {}

  /** These tasks went to the worker at {@code address} (process {@code pid}). */
  public record Started(List<Long> taskIds, String address, long pid) implements Event {}

  /** A task still running wrote {@code log} (a {@link tandem.protocol.TaskLog}, encoded). */
  public record Logged(long taskId, byte[] log) implements Event {}

  /** These tasks ended, each with its result or error. */
  public record Ended(List<TaskResult> results) implements Event {}

  /**
   * The worker at {@code worker} is gone with these tasks; those in {@code outOfMemory} were most
   * likely running when it ran out of memory. The owner enqueues them again or fails them.
   */
  public record Lost(List<Task> tasks, Set<Long> outOfMemory, String worker) implements Event {}

  /** Tell {@code replyTo} how many workers take this node's tasks, now and whenever that changes. */
  public record FollowFleet(ActorRef<FleetChanged> replyTo) implements Command {}

  public record FleetChanged(int workers) implements NoSerializationVerificationNeeded {}

  private record FromWorker(WorkerProtocol.ToNode message) implements Command {}

  private record ThreadFinished(ThreadRunner.Finished outcome) implements Command {}

  private record WorkerTerminated(ActorRef<ToWorker> worker) implements Command {}

  private record MemberChanged(ClusterEvent.MemberEvent event) implements Command {}

  /** The grace a worker had to stop these cancelled tasks is over. */
  private record GraceOver(ActorRef<ToWorker> worker, List<Long> taskIds) implements Command {}

  /** Drops workers that offered themselves but never joined the cluster (see WorkerWatch). */
  private enum CheckJoins implements Command { INSTANCE }

  /** Sends queued tasks to workers once the messages already in the mailbox are handled. */
  private enum DispatchQueued implements Command { INSTANCE }

  /** A worker's message as the scheduler takes it at its well-known path (see {@link #door}). */
  public static Command fromWorker(WorkerProtocol.ToNode message) {
    return new FromWorker(message);
  }

  /** What the scheduler is spawned behind, so it takes workers' messages at its own path. */
  public static Door<WorkerProtocol.ToNode, Command> door() {
    return new Door<>(WorkerProtocol.ToNode.class, TaskScheduler::fromWorker);
  }

  /**
   * @param threads runs the CPU tasks a user sends to the node's own threads
   * @param membership the cluster manager, told to down a local worker the OS says is gone
   * @param cancelGrace how long a cancelled task may keep running before its worker is halted
   */
  public static Behavior<Command> create(
      WireSettings wire, Duration cancelGrace, ActorRef<ThreadRunner.Command> threads,
      ActorRef<ClusterCommand> membership) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers ->
        new TaskScheduler(context, timers, wire, cancelGrace, threads, membership)));
  }

  private final TimerScheduler<Command> timers;
  private final Duration cancelGrace;
  private final ActorRef<ThreadRunner.Command> threads;
  private final ActorRef<ThreadRunner.Finished> threadReplies;
  private final ActorRef<ClusterCommand> membership;
  private final List<ActorRef<FleetChanged>> fleetFollowers = new ArrayList<>();
  private final WorkerRoster roster = new WorkerRoster();
  private final PartsCourier courier;
  private final WorkerWatch<Command> workerWatch;
  /** Who enqueued each task not yet ended, lost or cancelled, which job it runs and since when it waits. */
  private final Map<Long, Pending> owners = new HashMap<>();
  private final NodeMetrics metrics;
  private final TaskTimeline timeline;

  /** A task's owner, its job's name and when it was enqueued (for the queue-wait histogram). */
  private record Pending(ActorRef<Event> owner, String job, long enqueuedNanos) {}
  /** Whether a {@link DispatchQueued} is on its way. */
  private boolean dispatchAsked;

  private TaskScheduler(
      ActorContext<Command> context, TimerScheduler<Command> timers, WireSettings wire, Duration cancelGrace,
      ActorRef<ThreadRunner.Command> threads, ActorRef<ClusterCommand> membership) {
    super(context);
    this.timers = timers;
    this.cancelGrace = cancelGrace;
    this.threads = threads;
    this.threadReplies = context.messageAdapter(ThreadRunner.Finished.class, ThreadFinished::new);
    this.membership = membership;
    this.courier = new PartsCourier(wire);
    this.metrics = NodeMetrics.get(context.getSystem());
    this.timeline = TaskTimeline.get(context.getSystem());
    this.workerWatch = new WorkerWatch<>(context, WorkerTerminated::new, MemberChanged::new);
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Enqueue.class, this::onEnqueue)
        .onMessage(Cancel.class, this::onCancel)
        .onMessage(FollowFleet.class, this::onFollowFleet)
        .onMessage(FromWorker.class, this::onFromWorker)
        .onMessage(ThreadFinished.class, this::onThreadFinished)
        .onMessage(WorkerTerminated.class, m -> onWorkerLost(roster.remove(m.worker()), false))
        .onMessage(MemberChanged.class, this::onMemberChanged)
        .onMessage(LocalWorkerExited.class, this::onLocalWorkerExited)
        .onMessage(GraceOver.class, this::onGraceOver)
        .onMessage(CheckJoins.class, c -> onCheckJoins())
        .onMessage(DispatchQueued.class, d -> onDispatchQueued())
        .build();
  }

  private Behavior<Command> onEnqueue(Enqueue enqueue) {
    long now = System.nanoTime();
    for (Task task : enqueue.tasks()) {
      owners.put(task.taskId(), new Pending(enqueue.replyTo(), task.job(), now));
    }
    if (enqueue.threads()) {
      threads.tell(new ThreadRunner.Run(enqueue.tasks(), threadReplies));
    } else if (enqueue.first()) {
      for (int i = enqueue.tasks().size() - 1; i >= 0; i--) { // in their order, at the queue's head
        roster.retryFirst(enqueue.tasks().get(i));
      }
    } else {
      enqueue.tasks().forEach(roster::enqueue);
    }
    dispatchSoon();
    return this;
  }

  private Behavior<Command> onFollowFleet(FollowFleet follow) {
    fleetFollowers.add(follow.replyTo());
    follow.replyTo().tell(new FleetChanged(roster.workers().size()));
    return this;
  }

  private void fleetChanged() {
    FleetChanged now = new FleetChanged(roster.workers().size());
    fleetFollowers.forEach(f -> f.tell(now));
  }

  /**
   * Drops queued tasks and interrupts running ones; each running one still reports back (which
   * frees its slot) but is no longer passed on.
   */
  private Behavior<Command> onCancel(Cancel cancel) {
    Map<WorkerRoster.Slot, List<Long>> running = new HashMap<>();
    List<Long> elsewhere = new ArrayList<>();
    for (long id : cancel.taskIds()) {
      if (owners.remove(id) == null || roster.removeQueued(id)) {
        continue;
      }
      Optional<WorkerRoster.Slot> slot = roster.holding(id);
      if (slot.isPresent()) {
        // Its slot stays taken until the worker reports the task stopped.
        running.computeIfAbsent(slot.get(), s -> new ArrayList<>()).add(id);
      } else {
        elsewhere.add(id);
      }
    }
    running.forEach((slot, ids) -> {
      slot.ref.tell(new WorkerProtocol.CancelTasks(slot.nodeNo, ids));
      timers.startSingleTimer(new GraceOver(slot.ref, ids), cancelGrace);
    });
    if (!elsewhere.isEmpty()) {
      threads.tell(new ThreadRunner.Cancel(elsewhere)); // those on the node's threads; others are not there
    }
    return this;
  }

  /**
   * A worker told to cancel tasks still runs one of them after the grace period: the job ignores
   * interrupts, so the worker process is ended (and, if it is this node's, replaced). Its other
   * tasks are lost like those of any lost worker.
   */
  private Behavior<Command> onGraceOver(GraceOver over) {
    List<Long> stuck = over.taskIds().stream()
        .filter(id -> roster.holding(id).map(slot -> slot.ref.equals(over.worker())).orElse(false)).toList();
    if (stuck.isEmpty()) {
      return this;
    }
    WorkerRoster.Slot slot = roster.holding(stuck.get(0)).orElseThrow();
    String reason = "task(s) " + stuck + " ignored their cancel for " + describe(cancelGrace);
    getContext().getLog().warn("killing worker pid {} at {}: {}", slot.pid, slot.address(), reason);
    over.worker().tell(new WorkerProtocol.Halt(reason));
    // A child of this node is killed by the OS too, in case its actor cannot even take the message.
    ProcessHandle.current().children().filter(child -> child.pid() == slot.pid).findFirst()
        .ifPresent(ProcessHandle::destroyForcibly);
    return this;
  }

  private static String describe(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }

  /**
   * The OS says the process is gone, so it is safe to down its member at once: the cluster need
   * not wait for the failure detector and the downing provider, and a replacement can join
   * (convergence is blocked while a member is unreachable). Not a worker that was leaving on
   * purpose (stopped or scaled down): it exits once it is Exiting, which the leader turns into
   * Removed even when it no longer answers, while a Down here would overtake that and every member
   * would list it as Down. This node may still see it as Leaving when it exits (the Exiting gossip
   * is on its way); if it really died before Exiting, its port refuses connections and the downing
   * provider downs it once it is unreachable.
   */
  private Behavior<Command> onLocalWorkerExited(LocalWorkerExited exited) {
    Optional<WorkerRoster.Slot> slot = roster.byPid(exited.pid());
    slot.map(s -> s.ref.path().address())
        .filter(worker -> !workerWatch.leaving(worker))
        .ifPresent(worker -> membership.tell(new Down(worker)));
    return onWorkerLost(slot.flatMap(s -> roster.remove(s.ref)), exited.outOfMemory());
  }

  private Behavior<Command> onFromWorker(FromWorker wrapped) {
    WorkerProtocol.ToNode message = wrapped.message();
    if (message instanceof WorkerProtocol.WorkerReady ready) {
      onWorkerReady(ready);
    } else if (message instanceof WorkerProtocol.ResultPart part) {
      courier.arrived(part);
      return this;
    } else if (message instanceof WorkerProtocol.TaskLogs written) {
      Pending pending = owners.get(written.taskId()); // a task cancelled meanwhile: nobody asks
      if (pending != null) {
        pending.owner().tell(new Logged(written.taskId(), written.log()));
      }
      return this;
    } else if (message instanceof WorkerProtocol.TasksDone done) {
      onTasksDone(done);
    } else if (message instanceof WorkerProtocol.WorkerRetiring retiring) {
      roster.retire(retiring.worker()).ifPresent(slot -> getContext().getLog().info(
          "worker pid {} retires: it gets no more tasks and finishes its {} running for this node", slot.pid, slot.inFlight.size()));
    }
    dispatchSoon();
    return this;
  }

  private void onWorkerReady(WorkerProtocol.WorkerReady ready) {
    if (roster.add(ready.worker(), ready.pid(), ready.capacity(), ready.nodeNo())) {
      if (workerWatch.watch(ready.worker()) && !timers.isTimerActive(CheckJoins.INSTANCE)) {
        timers.startSingleTimer(CheckJoins.INSTANCE, CheckJoins.INSTANCE, joinDeadline());
      }
      getContext().getLog().info(
          "worker pid {} at {} takes up to {} tasks{}",
          ready.pid(), ready.worker().path().address(), ready.capacity(), sinceSpawn(ready.pid()));
      fleetChanged();
    }
  }

  /** For a local child, how long it took from process start to ready: a figure users tune. */
  private static String sinceSpawn(long pid) {
    return ProcessHandle.of(pid)
        .flatMap(p -> p.info().startInstant())
        .map(start -> String.format("; ready %d ms after its process started", Duration.between(start, Instant.now()).toMillis()))
        .orElse("");
  }

  /**
   * How long a worker that offered itself may take to become a member: a little longer than Pekko
   * lets it try to join before it gives up and exits.
   */
  private Duration joinDeadline() {
    return getContext().getSystem().settings().config()
        .getDuration("pekko.cluster.shutdown-after-unsuccessful-join-seed-nodes").plusSeconds(10);
  }

  private Behavior<Command> onCheckJoins() {
    for (ActorRef<ToWorker> stranger : workerWatch.neverJoined(joinDeadline())) {
      roster.remove(stranger).ifPresent(slot -> {
        getContext().getLog().warn("worker pid {} at {} offered itself but never joined the cluster within {} s; "
            + "it is forgotten and its tasks go elsewhere (is its configuration the cluster's?)", slot.pid, slot.address(),
            joinDeadline().toSeconds());
        onWorkerLost(Optional.of(slot), false);
      });
    }
    workerWatch.nextOverdue(joinDeadline())
        .ifPresent(due -> timers.startSingleTimer(CheckJoins.INSTANCE, CheckJoins.INSTANCE, due));
    return this;
  }

  private Behavior<Command> onMemberChanged(MemberChanged changed) {
    for (ActorRef<ToWorker> lost : workerWatch.onMemberEvent(changed.event())) {
      onWorkerLost(roster.remove(lost), false);
    }
    return this;
  }

  /** Passes each result on to its task's owner, one message per owner. */
  private void onTasksDone(WorkerProtocol.TasksDone done) {
    Map<ActorRef<Event>, List<TaskResult>> byOwner = new LinkedHashMap<>();
    long pid = roster.pidOf(done.worker());
    for (TaskResult sent : done.results()) {
      TaskResult result = courier.joined(done.worker(), sent);
      if (!roster.complete(done.worker(), result.taskId(), result.runMicros())) {
        getContext().getLog().debug("ignoring a late result for task {}", result.taskId());
        continue;
      }
      if (getContext().getLog().isDebugEnabled()) {
        getContext().getLog().debug("task {} done at {} in {} us", result.taskId(), done.worker().path().address(), result.runMicros());
      }
      Pending pending = owners.remove(result.taskId());
      if (pending != null) { // else it was cancelled
        metrics.taskRan(pending.job(), result.runMicros() / 1e6);
        timeline.ended(pending.job(), pid, result.thread(), result.runMicros(), result.ok());
        byOwner.computeIfAbsent(pending.owner(), o -> new ArrayList<>(done.results().size())).add(result);
      }
    }
    byOwner.forEach((owner, results) -> owner.tell(new Ended(results)));
  }

  private Behavior<Command> onThreadFinished(ThreadFinished finished) {
    TaskResult result = finished.outcome().result();
    Pending pending = owners.remove(result.taskId());
    if (pending != null) {
      metrics.taskRan(pending.job(), result.runMicros() / 1e6);
      timeline.ended(pending.job(), ProcessHandle.current().pid(), result.thread(), result.runMicros(), result.ok());
      pending.owner().tell(new Ended(List.of(result)));
    }
    return this;
  }

  /**
   * A worker is gone: each owner hears which of its tasks it held. When it ran out of memory, the
   * tasks it was running (not those waiting in its queue) are named, so their owners can charge
   * them with it.
   */
  private Behavior<Command> onWorkerLost(Optional<WorkerRoster.Slot> lost, boolean outOfMemory) {
    if (lost.isEmpty()) {
      return this;
    }
    WorkerRoster.Slot slot = lost.get();
    courier.forget(slot.ref);
    fleetChanged();
    Set<Long> ranOutOfMemory = outOfMemory ? slot.likelyRunning() : Set.of();
    getContext().getLog().warn("worker pid {} at {} is gone with {} of this node's tasks{}", slot.pid, slot.address(),
        slot.inFlight.size(), outOfMemory ? "; it ran out of memory while running task(s) " + ranOutOfMemory : "");
    Map<ActorRef<Event>, List<Task>> byOwner = new LinkedHashMap<>();
    for (Task task : slot.inFlight.values()) {
      Pending pending = owners.remove(task.taskId());
      if (pending != null) {
        byOwner.computeIfAbsent(pending.owner(), o -> new ArrayList<>()).add(task);
      }
    }
    String where = "pid " + slot.pid + " at " + slot.address();
    byOwner.forEach((owner, tasks) -> owner.tell(new Lost(tasks, ranOutOfMemory, where)));
    return this;
  }

  /**
   * Dispatches once the tasks and results already in the mailbox are in: the tasks they free or
   * queue then go to each worker in one message, not one message each.
   */
  private void dispatchSoon() {
    if (!dispatchAsked && roster.queued() > 0) {
      dispatchAsked = true;
      getContext().getSelf().tell(DispatchQueued.INSTANCE);
    }
  }

  private Behavior<Command> onDispatchQueued() {
    dispatchAsked = false;
    long now = System.nanoTime();
    for (WorkerRoster.Assignment a : roster.assign()) {
      Map<ActorRef<Event>, List<Long>> byOwner = new LinkedHashMap<>();
      for (Task task : a.tasks()) {
        Pending pending = owners.get(task.taskId());
        if (pending != null) {
          metrics.taskDispatched(pending.job(), (now - pending.enqueuedNanos()) / 1e9);
          byOwner.computeIfAbsent(pending.owner(), o -> new ArrayList<>(a.tasks().size())).add(task.taskId());
        }
      }
      String address = a.worker().address();
      if (getContext().getLog().isDebugEnabled()) {
        getContext().getLog().debug("tasks {} to pid {} at {}", byOwner.values(), a.worker().pid, address);
      }
      byOwner.forEach((owner, ids) -> owner.tell(new Started(ids, address, a.worker().pid)));
      courier.send(a.worker(), a.tasks());
    }
    return this;
  }
}
