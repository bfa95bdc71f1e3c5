package tandem.node.owner;

import tandem.protocol.api.JobState;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.pekko.Done;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.typed.ClusterCommand;
import org.apache.pekko.cluster.typed.Down;
import tandem.protocol.api.Json;
import tandem.node.NodeSettings;
import tandem.node.ResultValue;
import tandem.node.io.IoRunner;
import tandem.node.jobs.JobCatalog;
import tandem.node.threads.ThreadRunner;
import tandem.protocol.NodeProtocol;
import tandem.protocol.Parts;
import tandem.protocol.ValueCodec;
import tandem.protocol.WorkerProtocol;
import tandem.protocol.WorkerProtocol.Task;
import tandem.protocol.WorkerProtocol.TaskResult;
import tandem.protocol.job.BadInputException;
import tandem.protocol.job.IoJob;
import tandem.protocol.job.Job;
import tandem.protocol.job.JobInput;
import tandem.protocol.job.JobKind;

/**
 * Owns the jobs this node accepted: gives each an id, sends CPU jobs to workers with free slots
 * and I/O jobs to the {@link IoRunner}, records every outcome, and answers for them. A job whose
 * worker is lost is started again elsewhere, up to the configured retries.
 */
public final class JobManager extends AbstractBehavior<JobManager.Command> {

  /** Everything this actor handles; none of it crosses a process boundary. */
  public sealed interface Command extends NoSerializationVerificationNeeded
      permits Submit, SubmitMap, SubmitPipeline, SubmitUntilFinal, Get, Watch, MapResults, ListJobs, Cancel, LocalWorkerExited, FromWorker, FromPeer, IoFinished,
          ThreadFinished, WorkerTerminated, MemberChanged, TimedOut, GraceOver, Drain, DrainDeadline, DispatchQueued, CheckJoins {}

  /** Accept a job, or refuse it with a one-line reason; {@code options} say how it runs. */
  public record Submit(String job, ObjectNode params, JobOptions options, ActorRef<SubmitReply> replyTo)
      implements Command {
    public Submit(String job, ObjectNode params, ActorRef<SubmitReply> replyTo) {
      this(job, params, JobOptions.DEFAULT, replyTo);
    }
  }

  /**
   * Accept a map: the job run once per element, each element's parameters laid over {@code
   * shared}; elements travel to workers {@code chunk} at a time (0 picks a size). With {@code
   * failFast} the first failed element stops the rest.
   */
  public record SubmitMap(
      String job, ObjectNode shared, List<ObjectNode> elements, int chunk, Reduce reduce, boolean failFast,
      JobOptions options, ActorRef<SubmitReply> replyTo)
      implements Command {
    public SubmitMap(
        String job, ObjectNode shared, List<ObjectNode> elements, int chunk, Reduce reduce, boolean failFast,
        ActorRef<SubmitReply> replyTo) {
      this(job, shared, elements, chunk, reduce, failFast, JobOptions.DEFAULT, replyTo);
    }
  }

  /**
   * Accept a pipeline: each step's result becomes the next step's {@code input}; each step runs
   * where its kind says. With {@code elements} (null for one run) it runs once per element, each
   * element's parameters laid over the first step's, and reports like a map.
   */
  public record SubmitPipeline(
      List<PipelineStep> steps, List<ObjectNode> elements, Reduce reduce, boolean failFast, JobOptions options,
      ActorRef<SubmitReply> replyTo)
      implements Command {
    public SubmitPipeline(
        List<PipelineStep> steps, List<ObjectNode> elements, Reduce reduce, boolean failFast,
        ActorRef<SubmitReply> replyTo) {
      this(steps, elements, reduce, failFast, JobOptions.DEFAULT, replyTo);
    }
  }

  /**
   * A {@link Submit}, {@link SubmitMap} or {@link SubmitPipeline} whose {@link Accepted} reply
   * waits until the job is final and carries it so: one message each way for a client that wants
   * only the outcome (refusals still come at once).
   */
  public record SubmitUntilFinal(Command submit) implements Command {
    public SubmitUntilFinal {
      if (!(submit instanceof Submit || submit instanceof SubmitMap || submit instanceof SubmitPipeline)) {
        throw new IllegalArgumentException("not a submission: " + submit);
      }
    }
  }

  /** One step of a pipeline as submitted: a job and the parameters given for it. */
  public record PipelineStep(String job, ObjectNode params) {}

  /** The answer to {@link Submit}, {@link SubmitMap} and {@link SubmitPipeline}. */
  public sealed interface SubmitReply extends NoSerializationVerificationNeeded
      permits Accepted, Rejected, Busy {}

  public record Accepted(JobRecord job) implements SubmitReply {}

  public record Rejected(String reason) implements SubmitReply {}

  /** Not accepted because the node holds as much unfinished work as it may: try again later. */
  public record Busy(String reason) implements SubmitReply {}

  /** The job's current record, at once. */
  public record Get(String id, ActorRef<JobLookup> replyTo) implements Command {}

  /** The job's record once it is final (at once if it already is, or unknown). */
  public record Watch(String id, ActorRef<JobLookup> replyTo) implements Command {}

  public record JobLookup(Optional<JobRecord> job) implements NoSerializationVerificationNeeded {}

  /**
   * A running map's elements that settled after the first {@code after}: answered once there is
   * at least one, or the map is final.
   */
  public record MapResults(String id, int after, ActorRef<MapEntries> replyTo) implements Command {}

  /**
   * The answer to {@link MapResults}.
   *
   * @param entries JSON array text of {@code {index, result|error}} in settling order; empty once
   *     the map is final (its job then holds every result)
   * @param next the position to ask from next time
   */
  public record MapEntries(Optional<JobRecord> job, String entries, int next) implements NoSerializationVerificationNeeded {}

  /** Stop a queued or running job this node owns. */
  public record Cancel(String id, ActorRef<CancelReply> replyTo) implements Command {}

  /**
   * The answer to {@link Cancel}: the job as it stands afterwards (empty if this node does not own
   * it), and whether this request cancelled it (false when it was final already).
   */
  public record CancelReply(Optional<JobRecord> job, boolean cancelled) implements NoSerializationVerificationNeeded {}

  /** The newest jobs and a summary of the node's load. */
  public record ListJobs(int limit, ActorRef<JobList> replyTo) implements Command {}

  public record JobList(List<JobRecord> jobs, int queued, int running, int workers)
      implements NoSerializationVerificationNeeded {}

  /**
   * The node is stopping: accept nothing more (submissions get {@link Busy}), let the jobs in
   * flight finish, and answer once none is left, or once {@code deadline} passed (the rest then
   * end cancelled).
   */
  public record Drain(Duration deadline, ActorRef<Done> replyTo) implements Command {}

  /**
   * The OS says a local worker process ended: faster than the cluster can tell, and with its exit
   * code, which says whether it ran out of memory.
   */
  public record LocalWorkerExited(long pid, boolean outOfMemory) implements Command {
    public LocalWorkerExited(long pid) {
      this(pid, false);
    }
  }

  private record FromWorker(WorkerProtocol.ToNode message) implements Command {}

  private record FromPeer(NodeProtocol.ToPeer message) implements Command {}

  private record IoFinished(IoRunner.Finished outcome) implements Command {}

  private record ThreadFinished(ThreadRunner.Finished outcome) implements Command {}

  private enum DrainDeadline implements Command { INSTANCE }

  /** Drops workers that offered themselves but never joined the cluster (see WorkerWatch). */
  private enum CheckJoins implements Command { INSTANCE }

  /** Sends queued tasks to workers once the messages already in the mailbox are handled. */
  private enum DispatchQueued implements Command { INSTANCE }

  /** A job's --timeout ran out. */
  private record TimedOut(long seq) implements Command {}

  /** The grace a worker had to stop these cancelled tasks is over. */
  private record GraceOver(ActorRef<WorkerProtocol.ToWorker> worker, List<Long> taskIds) implements Command {}

  private record WorkerTerminated(ActorRef<WorkerProtocol.ToWorker> worker) implements Command {}

  private record MemberChanged(org.apache.pekko.cluster.ClusterEvent.MemberEvent event) implements Command {}

  /** A worker's message as the JobManager takes it at its well-known path (see Guardian). */
  public static Command fromWorker(WorkerProtocol.ToNode message) {
    return new FromWorker(message);
  }

  /**
   * @param threads runs CPU jobs a user sends to the node's own threads
   * @param membership the cluster manager, told to down a local worker the OS says is gone
   * @param address this node's cluster address, the owner of every job it accepts
   */
  public static Behavior<Command> create(
      JobCatalog catalog,
      NodeSettings settings,
      ActorRef<IoRunner.Command> io,
      ActorRef<ThreadRunner.Command> threads,
      ActorRef<ClusterCommand> membership,
      String address) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers ->
        new JobManager(context, timers, catalog, settings, io, threads, membership, address)));
  }

  private final JobCatalog catalog;
  private final NodeSettings settings;
  private final ActorRef<IoRunner.Command> io;
  private final ActorRef<ThreadRunner.Command> threads;
  private final ActorRef<ThreadRunner.Finished> threadReplies;
  private final ActorRef<ClusterCommand> membership;
  private final String address;
  private final long pid = ProcessHandle.current().pid();
  private final String tag = Long.toString(ThreadLocalRandom.current().nextLong(36L * 36 * 36 * 36), 36);
  private final ActorRef<WorkerProtocol.ToNode> inbox;
  private final ActorRef<IoRunner.Finished> ioReplies;
  private final JobTable jobs;
  private final WorkerRoster roster = new WorkerRoster();
  /** How many workers each single job still unfinished ran out of memory, by its seq; none: absent. */
  private final Map<Long, Integer> memoryLosses = new HashMap<>();
  private final LossBudget lossBudget;
  /** What to do with a job once it is final, by its sequence number. */
  private final Map<Long, List<Consumer<JobRecord>>> watchers = new HashMap<>();
  /** Whether a {@link DispatchQueued} is on its way. */
  private boolean dispatchAsked;
  /** True while a {@link SubmitUntilFinal}'s submission is handled: its acceptance waits. */
  private boolean acceptWhenFinal;
  private final Map<Long, List<ActorRef<NodeProtocol.FoundJob>>> peerWatchers = new HashMap<>();
  private long lastSeq;
  private final Maps maps;
  private final Pipelines pipelines;
  private final PartsCourier courier;
  private final WorkerWatch<Command> workerWatch;

  private final TimerScheduler<Command> timers;
  /** Who waits for the drain to end, once the node is stopping; null until then. */
  private List<ActorRef<Done>> drained;

  private JobManager(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      JobCatalog catalog,
      NodeSettings settings,
      ActorRef<IoRunner.Command> io,
      ActorRef<ThreadRunner.Command> threads,
      ActorRef<ClusterCommand> membership,
      String address) {
    super(context);
    this.timers = timers;
    this.threads = threads;
    this.threadReplies = context.messageAdapter(ThreadRunner.Finished.class, ThreadFinished::new);
    this.catalog = catalog;
    this.settings = settings;
    this.io = io;
    this.membership = membership;
    this.address = address;
    this.jobs = new JobTable(settings.retainFinished());
    this.lossBudget = new LossBudget(settings.workerHeapBytes());
    this.inbox = context.messageAdapter(WorkerProtocol.ToNode.class, FromWorker::new);
    this.courier = new PartsCourier(settings.wire());
    this.workerWatch = new WorkerWatch<>(context, WorkerTerminated::new, MemberChanged::new);
    this.ioReplies = context.messageAdapter(IoRunner.Finished.class, IoFinished::new);
    JobOwner owner = new Lent();
    this.maps = new Maps(owner, settings.maxMapElements());
    this.pipelines = new Pipelines(owner, maps);
    context.getSystem().receptionist().tell(Receptionist.register(WorkerProtocol.NODES, inbox));
    context.getSystem().receptionist().tell(Receptionist.register(
        NodeProtocol.PEERS, context.messageAdapter(NodeProtocol.ToPeer.class, FromPeer::new)));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Submit.class, this::onSubmit)
        .onMessage(SubmitMap.class, this::onSubmitMap)
        .onMessage(SubmitPipeline.class, this::onSubmitPipeline)
        .onMessage(SubmitUntilFinal.class, this::onSubmitUntilFinal)
        .onMessage(Get.class, this::onGet)
        .onMessage(Watch.class, this::onWatch)
        .onMessage(MapResults.class, this::onMapResults)
        .onMessage(ListJobs.class, this::onListJobs)
        .onMessage(Cancel.class, this::onCancel)
        .onMessage(FromWorker.class, this::onFromWorker)
        .onMessage(FromPeer.class, this::onFromPeer)
        .onMessage(IoFinished.class, this::onIoFinished)
        .onMessage(ThreadFinished.class, this::onThreadFinished)
        .onMessage(WorkerTerminated.class, m -> onWorkerLost(roster.remove(m.worker())))
        .onMessage(MemberChanged.class, this::onMemberChanged)
        .onMessage(LocalWorkerExited.class, this::onLocalWorkerExited)
        .onMessage(TimedOut.class, this::onTimedOut)
        .onMessage(GraceOver.class, this::onGraceOver)
        .onMessage(Drain.class, this::onDrain)
        .onMessage(DrainDeadline.class, d -> onDrainDeadline())
        .onMessage(CheckJoins.class, c -> onCheckJoins())
        .onMessage(DispatchQueued.class, d -> {
          dispatchAsked = false;
          dispatch();
          return this;
        })
        .build();
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

  private Behavior<Command> onSubmitUntilFinal(SubmitUntilFinal wrapped) {
    acceptWhenFinal = true;
    try {
      if (wrapped.submit() instanceof Submit submit) {
        return onSubmit(submit);
      }
      return wrapped.submit() instanceof SubmitMap map ? onSubmitMap(map) : onSubmitPipeline((SubmitPipeline) wrapped.submit());
    } finally {
      acceptWhenFinal = false;
    }
  }

  private Behavior<Command> onSubmit(Submit submit) {
    Optional<Job> found = catalog.find(submit.job());
    if (found.isEmpty()) {
      submit.replyTo().tell(new Rejected(unknownJob(submit.job())));
      return this;
    }
    return accept(submit.replyTo(), 1, () -> startJob(found.get(), submit.params(),
        JobInput.checked(found.get(), submit.params()), 0, submit.options().resolved(settings)));
  }

  /**
   * Starts a checked job: an I/O job on the I/O runner at once, a CPU job into the queue for
   * workers (the caller dispatches), or where {@code on} says.
   *
   * @param parent the pipeline it is a step of, or 0
   */
  private JobRecord startJob(Job job, ObjectNode params, JobInput input, long parent, JobOptions options) {
    JobRecord queued = newJob(job.name(), job.kind(), params, System.nanoTime()).withParent(parent).withOptions(options);
    return launch(job, queued, input);
  }

  /**
   * Sends a queued job where its options say (the I/O runner, the node's threads, or the queue for
   * workers) and records it; the caller dispatches.
   */
  private JobRecord launch(Job job, JobRecord queued, JobInput input) {
    Placement on = queued.options().on();
    boolean onNode = (job instanceof IoJob && on != Placement.PROCESSES) || on == Placement.THREADS;
    JobRecord record = onNode ? queued.running(thisNode(), System.nanoTime()) : queued;
    if (job instanceof IoJob ioJob && on != Placement.PROCESSES) {
      io.tell(new IoRunner.Run(record.seq(), ioJob, input, ioReplies));
    } else {
      run(List.of(Task.single(record.seq(), job.name(), ValueCodec.encode(record.params()))), on);
    }
    jobs.put(record);
    return record;
  }

  private JobRecord newJob(String name, JobKind kind, ObjectNode params, long nowNanos) {
    long seq = ++lastSeq;
    return JobRecord.queued(seq, tag + "-" + seq, name, kind, params, address, nowNanos);
  }

  private RanOn thisNode() {
    return new RanOn("node", address, pid, null);
  }

  private void run(List<Task> tasks, Placement on) {
    if (on == Placement.THREADS) {
      threads.tell(new ThreadRunner.Run(tasks, threadReplies));
    } else {
      tasks.forEach(roster::enqueue);
    }
  }

  private Behavior<Command> onSubmitMap(SubmitMap submit) {
    Optional<Job> found = catalog.find(submit.job());
    if (found.isPresent() && found.get().kind() == JobKind.IO && submit.options().on() != Placement.PROCESSES) {
      // I/O jobs run on the node, one job per element: a pipeline of one step does just that.
      return onSubmitPipeline(new SubmitPipeline(List.of(new PipelineStep(submit.job(), submit.shared())),
          submit.elements(), submit.reduce(), submit.failFast(), submit.options(), submit.replyTo()));
    }
    return accept(submit.replyTo(), submit.elements().size(), () -> maps.start(known(submit.job()), submit.shared(), submit.elements(),
        submit.chunk(), submit.reduce(), submit.failFast(), submit.options().resolved(settings)));
  }

  private Behavior<Command> onSubmitPipeline(SubmitPipeline submit) {
    return accept(submit.replyTo(), submit.elements() == null ? 1 : submit.elements().size(), () -> pipelines.start(
        submit.steps(), this::known, submit.elements(), submit.reduce(), submit.failFast(),
        submit.options().resolved(settings)));
  }

  /**
   * Replies with the job {@code start} accepted (and starts its timeout), or with the reason it
   * refused it; a node that holds as much as it may refuses {@code units} more elements as busy.
   * Under {@link SubmitUntilFinal}, the acceptance waits until the job is final.
   */
  private Behavior<Command> accept(ActorRef<SubmitReply> replyTo, int units, Supplier<JobRecord> start) {
    if (drained != null) {
      replyTo.tell(new Busy("this node is stopping and takes no more jobs; submit to another node"));
      return this;
    }
    long held = jobs.unfinished() + maps.unsettled();
    if (held + units > settings.maxQueued()) {
      replyTo.tell(new Busy("this node holds " + held + " unfinished jobs and elements, and takes at most "
          + settings.maxQueued() + " (tandem.jobs.max-queued); try again later or submit to another node"));
      return this;
    }
    try {
      JobRecord job = start.get();
      Duration timeout = job.options().timeout();
      if (timeout != null && !job.state().isFinal()) {
        timers.startSingleTimer(job.seq(), new TimedOut(job.seq()), timeout);
      }
      if (!acceptWhenFinal) {
        replyTo.tell(new Accepted(job));
      } else {
        JobRecord now = jobs.get(job.seq()).orElse(job); // it may have ended already
        if (now.state().isFinal()) {
          replyTo.tell(new Accepted(now));
        } else {
          whenFinal(job.seq(), done -> replyTo.tell(new Accepted(done)));
        }
      }
    } catch (BadInputException e) {
      replyTo.tell(new Rejected(e.getMessage()));
    }
    dispatchSoon();
    return this;
  }

  private Job known(String name) {
    return catalog.find(name).orElseThrow(() -> new BadInputException(unknownJob(name)));
  }

  private Behavior<Command> onDrain(Drain drain) {
    if (drained == null) {
      drained = new ArrayList<>();
      getContext().getLog().info("stopping: taking no more jobs; {} unfinished may take up to {} ms",
          jobs.unfinished(), drain.deadline().toMillis());
      timers.startSingleTimer(DrainDeadline.INSTANCE, DrainDeadline.INSTANCE, drain.deadline());
    }
    drained.add(drain.replyTo());
    checkDrained();
    return this;
  }

  private void checkDrained() {
    if (drained != null && jobs.unfinished() == 0) {
      drained.forEach(replyTo -> replyTo.tell(Done.getInstance()));
      drained.clear();
      timers.cancel(DrainDeadline.INSTANCE);
    }
  }

  private Behavior<Command> onDrainDeadline() {
    long now = System.nanoTime();
    List<JobRecord> left = jobs.unfinishedJobs();
    getContext().getLog().warn("stopping: the drain deadline passed; cancelling {} unfinished jobs", left.size());
    left.forEach(job -> jobs.get(job.seq()).filter(j -> !j.state().isFinal())
        .ifPresent(j -> end(j, j.cancelled("the node stopped before it finished (tandem.node.drain-deadline passed)", now))));
    checkDrained();
    return this;
  }

  private Behavior<Command> onTimedOut(TimedOut timedOut) {
    jobs.get(timedOut.seq()).filter(job -> !job.state().isFinal()).ifPresent(job ->
        end(job, job.timedOut("timed out after " + describe(job.options().timeout()) + " (--timeout) while "
            + job.state().label(), System.nanoTime())));
    return this;
  }

  private static String describe(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }

  private String unknownJob(String name) {
    return "unknown job '" + name + "'; known jobs: " + catalog.names() + " (tandem catalog shows their parameters)";
  }

  private Behavior<Command> onGet(Get get) {
    get.replyTo().tell(new JobLookup(lookup(get.id())));
    return this;
  }

  private Behavior<Command> onWatch(Watch watch) {
    Optional<JobRecord> job = lookup(watch.id());
    if (job.isEmpty() || job.get().state().isFinal()) {
      watch.replyTo().tell(new JobLookup(job));
    } else {
      whenFinal(job.get().seq(), done -> watch.replyTo().tell(new JobLookup(Optional.of(done))));
    }
    return this;
  }

  private Behavior<Command> onMapResults(MapResults ask) {
    maps.results(ask, lookup(ask.id()));
    return this;
  }

  private Behavior<Command> onCancel(Cancel cancel) {
    Optional<JobRecord> found = lookup(cancel.id());
    if (found.isEmpty() || found.get().state().isFinal()) {
      cancel.replyTo().tell(new CancelReply(found, false));
      return this;
    }
    JobRecord job = found.get();
    JobRecord cancelled = end(job, job.cancelled("cancelled by request while " + job.state().label(), System.nanoTime()));
    cancel.replyTo().tell(new CancelReply(Optional.of(cancelled), true));
    return this;
  }

  /**
   * Ends a job before its time (cancelled or timed out): stops all of it that is queued or
   * running, then records {@code ended}; returns the record as finished.
   */
  private JobRecord end(JobRecord job, JobRecord ended) {
    long seq = job.seq();
    if (maps.isMap(seq)) {
      maps.stop(seq);
    } else if (job.pipeline() != null) {
      pipelines.stopSteps(seq);
    } else {
      stop(job);
    }
    // A pipeline's view of its steps changed meanwhile: keep it.
    JobRecord final_ = jobs.get(seq).map(now -> now.pipeline() == null ? ended : ended.withPipeline(now.pipeline()))
        .orElse(ended);
    finish(final_);
    return final_;
  }

  /**
   * A worker told to cancel tasks still runs one of them after the grace period: the job ignores
   * interrupts, so the worker process is ended (and, if it is this node's, replaced). Its other
   * tasks are retried like those of any lost worker.
   */
  private Behavior<Command> onGraceOver(GraceOver over) {
    List<Long> stuck = over.taskIds().stream()
        .filter(id -> roster.holding(id).map(slot -> slot.ref.equals(over.worker())).orElse(false)).toList();
    if (stuck.isEmpty()) {
      return this;
    }
    WorkerRoster.Slot slot = roster.holding(stuck.get(0)).orElseThrow();
    String reason = "task(s) " + stuck + " ignored their cancel for " + describe(settings.cancelGrace());
    getContext().getLog().warn("killing worker pid {} at {}: {}", slot.pid, slot.address(), reason);
    over.worker().tell(new WorkerProtocol.Halt(reason));
    // A child of this node is killed by the OS too, in case its actor cannot even take the message.
    ProcessHandle.current().children().filter(child -> child.pid() == slot.pid).findFirst()
        .ifPresent(ProcessHandle::destroyForcibly);
    return this;
  }

  /** Stops a single job where it is: out of the queue, or interrupted where it runs. */
  private void stop(JobRecord job) {
    if (stopTasks(List.of(job.seq())).isEmpty() && job.kind() == JobKind.IO) {
      io.tell(new IoRunner.Cancel(job.seq()));
    }
  }

  /**
   * Drops queued tasks and interrupts running ones (each still reports back, and is ignored);
   * returns the ones that were still queued.
   */
  private List<Long> stopTasks(List<Long> taskIds) {
    List<Long> dropped = new ArrayList<>();
    Map<WorkerRoster.Slot, List<Long>> running = new HashMap<>();
    List<Long> elsewhere = new ArrayList<>();
    for (long id : taskIds) {
      if (roster.removeQueued(id)) {
        dropped.add(id);
      } else {
        Optional<WorkerRoster.Slot> slot = roster.holding(id);
        if (slot.isPresent()) {
          // Its slot stays taken until the worker reports the task stopped.
          running.computeIfAbsent(slot.get(), s -> new ArrayList<>()).add(id);
        } else {
          elsewhere.add(id);
        }
      }
    }
    running.forEach((slot, ids) -> {
      slot.ref.tell(new WorkerProtocol.CancelTasks(slot.nodeNo, ids));
      timers.startSingleTimer(new GraceOver(slot.ref, ids), settings.cancelGrace());
    });
    if (!elsewhere.isEmpty()) {
      threads.tell(new ThreadRunner.Cancel(elsewhere)); // those on the node's threads; others are not there
    }
    return dropped;
  }

  /** Another node asks about a job; only the owner has it, the others answer null. */
  private Behavior<Command> onFromPeer(FromPeer wrapped) {
    if (wrapped.message() instanceof NodeProtocol.FindJob find) {
      Optional<JobRecord> job = lookup(find.id());
      if (find.untilFinal() && job.isPresent() && !job.get().state().isFinal()) {
        peerWatchers.computeIfAbsent(job.get().seq(), s -> new ArrayList<>()).add(find.replyTo());
      } else {
        find.replyTo().tell(found(find.id(), job));
      }
    }
    return this;
  }

  /** The job for another node; one too large for a message is served by this node's HTTP API instead. */
  private NodeProtocol.FoundJob found(String id, Optional<JobRecord> job) {
    String json = job.map(j -> Json.write(JobJson.of(j, System.nanoTime()))).orElse(null);
    return Parts.needed(json, settings.wire().partChars())
        ? new NodeProtocol.FoundJob(id, null, address)
        : new NodeProtocol.FoundJob(id, json, null);
  }

  private Behavior<Command> onListJobs(ListJobs list) {
    list.replyTo().tell(new JobList(
        jobs.newest(list.limit()), roster.queued(), jobs.count(JobState.RUNNING), roster.workers().size()));
    return this;
  }

  private Behavior<Command> onFromWorker(FromWorker wrapped) {
    WorkerProtocol.ToNode message = wrapped.message();
    if (message instanceof WorkerProtocol.WorkerReady ready) {
      onWorkerReady(ready);
    } else if (message instanceof WorkerProtocol.ResultPart part) {
      courier.arrived(part);
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
    }
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
    for (ActorRef<WorkerProtocol.ToWorker> stranger : workerWatch.neverJoined(joinDeadline())) {
      roster.remove(stranger).ifPresent(slot -> {
        getContext().getLog().warn("worker pid {} at {} offered itself but never joined the cluster within {} s; "
            + "it is forgotten and its tasks go elsewhere (is its configuration the cluster's?)", slot.pid, slot.address(),
            joinDeadline().toSeconds());
        onWorkerLost(Optional.of(slot));
      });
    }
    if (workerWatch.anyWaiting()) {
      timers.startSingleTimer(CheckJoins.INSTANCE, CheckJoins.INSTANCE, joinDeadline());
    }
    return this;
  }

  private Behavior<Command> onMemberChanged(MemberChanged changed) {
    for (ActorRef<WorkerProtocol.ToWorker> lost : workerWatch.onMemberEvent(changed.event())) {
      onWorkerLost(roster.remove(lost));
    }
    return this;
  }

  /** For a local child, how long it took from process start to ready: a figure users tune. */
  private static String sinceSpawn(long pid) {
    return ProcessHandle.of(pid)
        .flatMap(p -> p.info().startInstant())
        .map(start -> String.format(
            "; ready %d ms after its process started",
            java.time.Duration.between(start, java.time.Instant.now()).toMillis()))
        .orElse("");
  }

  private void onTasksDone(WorkerProtocol.TasksDone done) {
    long now = System.nanoTime();
    for (TaskResult sent : done.results()) {
      TaskResult result = courier.joined(done.worker(), sent);
      if (!roster.complete(done.worker(), result.taskId(), result.runMicros())) {
        getContext().getLog().debug("ignoring a late result for task {}", result.taskId());
        continue;
      }
      onTaskResult(result, now);
    }
  }

  /** A task ended, in a worker or on the node's threads: a map's chunk, or a single job. */
  private void onTaskResult(TaskResult result, long now) {
    if (maps.chunkDone(result, now)) {
      return;
    }
    jobs.get(result.taskId()).filter(job -> !job.state().isFinal()).ifPresent(job -> {
      if (result.ok()) {
        finish(job.succeeded(ResultValue.decoded(result.result()), result.thread(), result.runMicros(), now));
      } else if (!retriedOnError(job, result.error())) {
        finish(job.failed(failure(job, result.error()), result.thread(), result.runMicros(), now));
      }
    });
  }

  /**
   * With {@code --retry-on-error}, a job whose own code failed is started again, up to its
   * retries; returns whether it was.
   */
  private boolean retriedOnError(JobRecord job, String error) {
    if (!job.options().retryOnError() || job.attempts() > job.options().retries() || "cancelled".equals(error)) {
      return false;
    }
    getContext().getLog().info("job {} failed on attempt {} and is retried (--retry-on-error): {}",
        job.id(), job.attempts(), error);
    launch(known(job.job()), job.requeued(), JobInput.trusted(job.params()));
    return true;
  }

  /** A job's reason for failing; after retries on error, how often it failed. */
  private static String failure(JobRecord job, String error) {
    return job.options().retryOnError() && job.attempts() > 1 ? "failed " + job.attempts() + " times; the last: " + error : error;
  }

  private Behavior<Command> onThreadFinished(ThreadFinished finished) {
    onTaskResult(finished.outcome().result(), System.nanoTime());
    return this;
  }

  private Behavior<Command> onIoFinished(IoFinished wrapped) {
    IoRunner.Finished outcome = wrapped.outcome();
    long now = System.nanoTime();
    jobs.get(outcome.seq()).filter(job -> !job.state().isFinal()).ifPresent(job -> {
      if (outcome.error() == null) {
        finish(job.succeeded(outcome.result(), outcome.thread(), outcome.runMicros(), now));
      } else if (!retriedOnError(job, outcome.error())) {
        finish(job.failed(failure(job, outcome.error()), outcome.thread(), outcome.runMicros(), now));
      }
    });
    return this;
  }

  private Behavior<Command> onWorkerLost(Optional<WorkerRoster.Slot> lost) {
    return onWorkerLost(lost, false);
  }

  /**
   * A worker is gone: each task it held for this node runs again elsewhere or, out of retries,
   * fails. When it ran out of memory, the tasks it was running (not those waiting in its queue)
   * are charged with it (see {@link LossBudget}).
   */
  private Behavior<Command> onWorkerLost(Optional<WorkerRoster.Slot> lost, boolean outOfMemory) {
    if (lost.isEmpty()) {
      return this;
    }
    WorkerRoster.Slot slot = lost.get();
    courier.forget(slot.ref);
    Set<Long> ranOutOfMemory = outOfMemory ? slot.likelyRunning() : Set.of();
    getContext().getLog().warn("worker pid {} at {} is gone with {} of this node's tasks{}", slot.pid, slot.address(),
        slot.inFlight.size(), outOfMemory ? "; it ran out of memory while running task(s) " + ranOutOfMemory : "");
    long now = System.nanoTime();
    List<Task> again = new ArrayList<>();
    for (Task task : new ArrayList<>(slot.inFlight.values())) {
      boolean byMemory = ranOutOfMemory.contains(task.taskId());
      Optional<MapRun.Chunk> chunk = maps.chunk(task.taskId());
      if (chunk.isPresent()) {
        int retries = jobs.get(chunk.get().seq()).map(j -> j.options().retries()).orElse(settings.retries());
        again.addAll(maps.lost(chunk.get(), retries, byMemory, lossBudget, now));
        continue;
      }
      jobs.get(task.taskId()).filter(job -> !job.state().isFinal()).ifPresent(job -> {
        int memory = byMemory ? memoryLosses.merge(job.seq(), 1, Integer::sum) : memoryLosses.getOrDefault(job.seq(), 0);
        String reason = lossBudget.verdict(job.attempts(), job.options().retries(), memory, byMemory, "this job");
        if (reason != null) {
          finish(job.failed(reason, null, -1, now));
        } else {
          jobs.put(job.requeued());
          again.add(task);
        }
      });
    }
    for (int i = again.size() - 1; i >= 0; i--) { // in their order, at the queue's head
      roster.retryFirst(again.get(i));
    }
    dispatch();
    return this;
  }

  /**
   * Dispatches once the jobs and results already in the mailbox are in: the tasks they free or
   * queue then go to each worker in one message, not one message each.
   */
  private void dispatchSoon() {
    if (!dispatchAsked && roster.queued() > 0) {
      dispatchAsked = true;
      getContext().getSelf().tell(DispatchQueued.INSTANCE);
    }
  }

  /** Sends queued CPU tasks to workers with free slots. */
  private void dispatch() {
    if (roster.queued() == 0) {
      return;
    }
    long now = System.nanoTime();
    for (WorkerRoster.Assignment a : roster.assign()) {
      RanOn where = new RanOn("worker", a.worker().address(), a.worker().pid, null);
      for (Task task : a.tasks()) {
        jobs.get(maps.started(task.taskId())).filter(job -> job.state() == JobState.QUEUED).ifPresent(job -> {
          JobRecord running = job.running(where, now);
          jobs.put(running);
          if (running.parent() != 0) {
            pipelines.stepChanged(running);
          }
        });
      }
      courier.send(a.worker(), a.tasks());
    }
  }

  private void finish(JobRecord job) {
    jobs.put(job);
    memoryLosses.remove(job.seq());
    if (job.options().timeout() != null) {
      timers.cancel(job.seq());
    }
    if (job.map() != null) {
      maps.tellFollowers(job.seq());
    }
    List<Consumer<JobRecord>> waiting = watchers.remove(job.seq());
    if (waiting != null) {
      waiting.forEach(w -> w.accept(job));
    }
    List<ActorRef<NodeProtocol.FoundJob>> peers = peerWatchers.remove(job.seq());
    if (peers != null) {
      NodeProtocol.FoundJob answer = found(job.id(), Optional.of(job));
      peers.forEach(p -> p.tell(answer));
    }
    if (job.parent() != 0) {
      pipelines.stepEnded(job);
    }
    checkDrained();
  }

  private void whenFinal(long seq, Consumer<JobRecord> then) {
    watchers.computeIfAbsent(seq, s -> new ArrayList<>(1)).add(then);
  }

  /** Ids are {@code <node tag>-<sequence>}; anything else is simply unknown here. */
  private Optional<JobRecord> lookup(String id) {
    int dash = id.lastIndexOf('-');
    if (dash < 0 || !id.substring(0, dash).equals(tag)) {
      return Optional.empty();
    }
    try {
      return jobs.get(Long.parseLong(id.substring(dash + 1)));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** What this actor lends its maps and pipelines: called only from its own message handlers. */
  private final class Lent implements JobOwner {
    @Override
    public JobTable jobs() {
      return jobs;
    }

    @Override
    public JobRecord newJob(String name, JobKind kind, ObjectNode params, long nowNanos) {
      return JobManager.this.newJob(name, kind, params, nowNanos);
    }

    @Override
    public RanOn thisNode() {
      return JobManager.this.thisNode();
    }

    @Override
    public int workers() {
      return roster.workers().size();
    }

    @Override
    public JobRecord startJob(Job job, ObjectNode params, JobInput input, long parent, JobOptions options) {
      return JobManager.this.startJob(job, params, input, parent, options);
    }

    @Override
    public void run(List<Task> tasks, Placement on) {
      JobManager.this.run(tasks, on);
    }

    @Override
    public List<Long> stopTasks(List<Long> taskIds) {
      return JobManager.this.stopTasks(taskIds);
    }

    @Override
    public void stop(JobRecord job) {
      JobManager.this.stop(job);
    }

    @Override
    public void finish(JobRecord job) {
      JobManager.this.finish(job);
    }

    @Override
    public void dispatch() {
      JobManager.this.dispatch();
    }
  }
}
