package tandem.node.worker;

import java.time.Duration;
import tandem.protocol.TaskLog;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.Done;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import tandem.node.WorkerSettings;
import tandem.protocol.Parts;
import tandem.protocol.PartsBuffer;
import tandem.node.member.TaskCounts;
import tandem.protocol.WorkerProtocol;
import tandem.protocol.WorkerProtocol.TaskResult;

/**
 * The heart of a worker process: finds every node in the cluster, tells each how many tasks it can
 * take, and runs the tasks it is sent on the compute dispatcher, never on the actor's own thread.
 */
public final class Worker extends AbstractBehavior<Worker.Command> {

  public sealed interface Command extends NoSerializationVerificationNeeded
      permits FromNode, NodeUp, SendFinished, NodeGone, Retire, SendOutput {}

  /**
   * Stop taking tasks: tell every node, finish the ones running, then answer (the process then
   * leaves the cluster). Tasks that arrive meanwhile, sent before a node heard, still run.
   */
  public record Retire(ActorRef<Done> replyTo) implements Command {}

  private record FromNode(WorkerProtocol.ToWorker message) implements Command {}

  /** A node to offer this worker to and to watch: one the cluster shows as a member ({@link NodeFinder}). */
  public record NodeUp(ActorRef<WorkerProtocol.ToNode> node) implements Command {}

  /** A task's outcome, waiting in {@link #finished} to be sent. */
  private record TaskFinished(ActorRef<WorkerProtocol.ToNode> owner, TaskResult result) {}

  /** Sends whatever {@link #finished} holds. */
  private enum SendFinished implements Command { INSTANCE }

  /** A task as the owner knows it: the same id may come from two nodes. */
  private record TaskKey(ActorRef<WorkerProtocol.ToNode> owner, long taskId) {}

  private record NodeGone(Address node) implements Command {}

  /** Sends what running tasks wrote since the last time, so a user following a job's log sees it come. */
  private enum SendOutput implements Command { INSTANCE }

  /** How often running tasks' output goes to their nodes. */
  private static final Duration OUTPUT_EVERY = Duration.ofSeconds(1);

  public static Behavior<Command> create(TaskRunner runner, WorkerSettings settings) {
    return create(runner, settings, new TaskCounts(settings.computeThreads()));
  }

  /** @param counts where this worker counts the tasks it runs, for its MemberInfo */
  public static Behavior<Command> create(TaskRunner runner, WorkerSettings settings, TaskCounts counts) {
    return create(runner, settings, () -> Runtime.getRuntime().halt(WorkerExit.HALTED), counts);
  }

  /** @param halt ends the process when a node says so (tests pass something gentler) */
  public static Behavior<Command> create(TaskRunner runner, WorkerSettings settings, Runnable halt) {
    return create(runner, settings, halt, new TaskCounts(settings.computeThreads()));
  }

  private static Behavior<Command> create(TaskRunner runner, WorkerSettings settings, Runnable halt, TaskCounts counts) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(SendOutput.INSTANCE, OUTPUT_EVERY);
      return new Worker(context, runner, settings, halt, counts);
    }));
  }

  private final TaskRunner runner;
  private final WorkerSettings settings;
  private final Executor compute;
  private final ActorRef<WorkerProtocol.ToWorker> inbox;
  /** The nodes this worker watches (it learned them as cluster members). */
  private final Set<Address> watched = new HashSet<>();
  /**
   * Every node this worker ever offered itself to, by the number it gave it (its index here).
   * Never forgotten, so a node that comes back keeps its number and a late message still finds
   * its node.
   */
  private final List<ActorRef<WorkerProtocol.ToNode>> numbered = new ArrayList<>();
  private final Map<Address, Integer> numbers = new HashMap<>();
  private final Map<TaskKey, RunningTask> running = new HashMap<>();
  /**
   * Outcomes the compute threads have put down and this actor has not sent yet. One
   * {@link SendFinished} drains them all, so tasks that end close together go to their node in
   * one {@link WorkerProtocol.TasksDone}: fewer messages exactly when there are many.
   */
  private final ConcurrentLinkedQueue<TaskFinished> finished = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean sendAsked = new AtomicBoolean();
  private final ActorRef<Command> self;
  /** Who waits for the running tasks to end, once this worker retires; null until then. */
  private List<ActorRef<Done>> retired;
  /** Parameters too large for one message, collected until their task arrives. */
  private final PartsBuffer<TaskKey> paramParts;
  private final long pid = ProcessHandle.current().pid();

  private final Runnable halt;
  private final TaskCounts counts;

  private Worker(ActorContext<Command> context, TaskRunner runner, WorkerSettings settings, Runnable halt, TaskCounts counts) {
    super(context);
    this.halt = halt;
    this.counts = counts;
    this.runner = runner;
    this.settings = settings;
    this.compute =
        context.getSystem().dispatchers().lookup(DispatcherSelector.fromConfig("tandem.compute-dispatcher"));
    this.inbox = context.messageAdapter(WorkerProtocol.ToWorker.class, FromNode::new);
    this.self = context.getSelf();
    this.paramParts = new PartsBuffer<>(settings.wire().maxPayloadBytes());
    helloToSeeds(context);
  }

  /**
   * Offers this worker to the nodes it was told to join at once, at their TaskScheduler's
   * well-known path, instead of waiting to be a member and to see the nodes among the members
   * (about half a second). Sending needs no membership; watching does, so each side watches the
   * other once it sees it as a member.
   */
  private void helloToSeeds(ActorContext<Command> context) {
    var resolver = ActorRefResolver.get(context.getSystem());
    for (String seed : context.getSystem().settings().config().getStringList("pekko.cluster.seed-nodes")) {
      try {
        ActorRef<WorkerProtocol.ToNode> node = resolver.resolveActorRef(seed + WorkerProtocol.NODE_INBOX_PATH);
        offer(node);
      } catch (RuntimeException notAnAddress) {
        context.getLog().warn("cannot offer this worker to the seed {} directly: {}", seed, notAnAddress.getMessage());
      }
    }
  }

  private void offer(ActorRef<WorkerProtocol.ToNode> node) {
    node.tell(new WorkerProtocol.WorkerReady(inbox, pid, settings.capacity(), numberOf(node)));
    getContext().getLog().info("offering {} slots to the node at {}", settings.capacity(), node.path().address());
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(NodeUp.class, this::onNodeUp)
        .onMessage(FromNode.class, this::onFromNode)
        .onMessage(SendFinished.class, sent -> sendFinished())
        .onMessage(NodeGone.class, this::onNodeGone)
        .onMessage(Retire.class, this::onRetire)
        .onMessage(SendOutput.class, send -> sendOutput())
        .build();
  }

  private Behavior<Command> onRetire(Retire retire) {
    if (retired == null) {
      retired = new ArrayList<>();
      getContext().getLog().info("retiring: taking no more tasks; {} running", running.size());
      numbered.forEach(node -> node.tell(new WorkerProtocol.WorkerRetiring(inbox)));
    }
    retired.add(retire.replyTo());
    answerIfRetired();
    return this;
  }

  private void answerIfRetired() {
    if (retired != null && running.isEmpty()) {
      retired.forEach(r -> r.tell(Done.getInstance()));
      retired.clear();
    }
  }

  /**
   * A node left the cluster (downed or removed; it never comes back as the same member): its tasks
   * here are interrupted, queued ones never start. Their results could only go to dead letters,
   * and with a journal another node takes the node's jobs over and sends them again, here or to
   * another worker: a task left running would hold a compute thread that the new copy waits for.
   */
  private Behavior<Command> onNodeGone(NodeGone gone) {
    watched.remove(gone.node());
    paramParts.dropIf(key -> key.owner().path().address().equals(gone.node()));
    int cancelled = 0;
    for (Map.Entry<TaskKey, RunningTask> task : running.entrySet()) {
      if (task.getKey().owner().path().address().equals(gone.node()) && task.getValue().cancel(true)) {
        cancelled++;
      }
    }
    if (cancelled > 0) {
      getContext().getLog().info("node {} left the cluster: cancelled its {} tasks here", gone.node(), cancelled);
    }
    return this;
  }

  /**
   * A node as a member: watched, and offered this worker unless it was already (an offer twice is
   * harmless: a node adds a worker once).
   */
  private Behavior<Command> onNodeUp(NodeUp up) {
    Address address = up.node().path().address();
    if (watched.add(address)) {
      getContext().watchWith(up.node(), new NodeGone(address));
      if (!numbers.containsKey(address)) {
        offer(up.node());
      }
    }
    return this;
  }

  /** The number this worker gives a node: one per node address, for the worker's life. */
  private int numberOf(ActorRef<WorkerProtocol.ToNode> node) {
    return numbers.computeIfAbsent(node.path().address(), a -> {
      numbered.add(node);
      return numbered.size() - 1;
    });
  }

  /** The node a message came from, by the number this worker gave it; null for a number it never gave. */
  private ActorRef<WorkerProtocol.ToNode> node(int nodeNo) {
    if (nodeNo < 0 || nodeNo >= numbered.size()) {
      getContext().getLog().warn("dropping a message from node number {}: this worker never numbered such a node", nodeNo);
      return null;
    }
    return numbered.get(nodeNo);
  }

  private Behavior<Command> onFromNode(FromNode wrapped) {
    if (wrapped.message() instanceof WorkerProtocol.TaskPart part) {
      ActorRef<WorkerProtocol.ToNode> owner = node(part.nodeNo());
      if (owner != null) {
        paramParts.add(new TaskKey(owner, part.taskId()), part.bytes());
      }
    } else if (wrapped.message() instanceof WorkerProtocol.RunTasks run) {
      ActorRef<WorkerProtocol.ToNode> owner = node(run.nodeNo());
      if (owner != null) {
        run.tasks().forEach(task -> start(owner, task));
      }
    } else if (wrapped.message() instanceof WorkerProtocol.Halt stop) {
      getContext().getLog().error("halting this worker at its node's request: {}", stop.reason());
      halt.run();
    } else if (wrapped.message() instanceof WorkerProtocol.CancelTasks cancel) {
      ActorRef<WorkerProtocol.ToNode> owner = node(cancel.nodeNo());
      for (long taskId : owner == null ? List.<Long>of() : cancel.taskIds()) {
        RunningTask task = running.get(new TaskKey(owner, taskId));
        if (task != null) {
          task.cancel(true);
        }
      }
    }
    return this;
  }

  private void start(ActorRef<WorkerProtocol.ToNode> owner, WorkerProtocol.Task sent) {
    WorkerProtocol.Task task = sent;
    if (sent.parts() > 0) {
      PartsBuffer.Assembled params = paramParts.take(new TaskKey(owner, sent.taskId()), sent.parts(), "the task's parameters");
      if (params.error() != null) {
        owner.tell(new WorkerProtocol.TasksDone(inbox, List.of(TaskResult.failed(sent.taskId(), params.error(), null, 0))));
        return;
      }
      task = sent.withParams(params.payload());
    }
    RunningTask run = new RunningTask(runner, task);
    running.put(new TaskKey(owner, task.taskId()), run);
    counts.started();
    run.outcome().thenAccept(result -> {
      finished.add(new TaskFinished(owner, result));
      if (sendAsked.compareAndSet(false, true)) {
        self.tell(SendFinished.INSTANCE);
      }
    });
    compute.execute(run);
  }

  /**
   * Sends each running task's new output to its node. A task that ended meanwhile is still here
   * until its result is sent, and this goes first: its node gets its output in the order written.
   */
  private Behavior<Command> sendOutput() {
    running.forEach((key, task) -> {
      TaskLog log = task.drainOutput();
      if (!log.isEmpty()) {
        key.owner().tell(new WorkerProtocol.TaskLogs(inbox, key.taskId(), log.encode()));
      }
    });
    return this;
  }

  private Behavior<Command> sendFinished() {
    sendAsked.set(false); // before draining: an outcome put down from now on asks again
    Map<ActorRef<WorkerProtocol.ToNode>, List<TaskResult>> byOwner = new LinkedHashMap<>();
    Map<ActorRef<WorkerProtocol.ToNode>, Parts.Batch> messages = new HashMap<>();
    for (TaskFinished done; (done = finished.poll()) != null; ) {
      if (running.remove(new TaskKey(done.owner(), done.result().taskId())) != null) {
        counts.finished();
      }
      TaskResult result = done.result();
      ActorRef<WorkerProtocol.ToNode> owner = done.owner();
      // In order, ahead of the result that refers to them: the owner has them all when it arrives.
      // Results that end together share one message, so each goes ahead once it would overfill it.
      int parts = messages.computeIfAbsent(owner, o -> new Parts.Batch(settings.wire().partBytes())).sendAheadIfFull(
          result.result(), bytes -> owner.tell(new WorkerProtocol.ResultPart(inbox, result.taskId(), bytes)));
      byOwner.computeIfAbsent(owner, o -> new ArrayList<>()).add(parts > 0 ? result.inParts(parts) : result);
    }
    byOwner.forEach((owner, results) -> owner.tell(new WorkerProtocol.TasksDone(inbox, results)));
    answerIfRetired();
    return this;
  }
}
