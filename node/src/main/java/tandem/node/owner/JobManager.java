package tandem.node.owner;

import com.fasterxml.jackson.databind.JsonNode;
import tandem.node.Door;
import tandem.node.journal.JobJournal;

import tandem.node.logs.JobLogs;

import tandem.protocol.api.JobState;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.pekko.Done;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.ReceiveBuilder;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import tandem.protocol.api.Json;
import tandem.node.metrics.NodeMetrics;
import tandem.node.owner.JobProtocol.Busy;
import tandem.node.owner.JobProtocol.Cancel;
import tandem.node.owner.JobProtocol.CancelReply;
import tandem.node.owner.JobProtocol.Drain;
import tandem.node.owner.JobProtocol.Get;
import tandem.node.owner.JobProtocol.JobList;
import tandem.node.owner.JobProtocol.JobLookup;
import tandem.node.owner.JobProtocol.ListJobs;
import tandem.node.owner.JobProtocol.MapEntries;
import tandem.node.owner.JobProtocol.MapResults;
import tandem.node.owner.JobProtocol.Submit;
import tandem.node.owner.JobProtocol.SubmitMap;
import tandem.node.owner.JobProtocol.SubmitPipeline;
import tandem.node.owner.JobProtocol.SubmitReply;
import tandem.node.owner.JobProtocol.Watch;
import tandem.node.NodeSettings;
import tandem.node.io.IoRunner;
import tandem.node.jobs.JobCatalog;
import tandem.node.scheduler.TaskScheduler;
import tandem.protocol.NodeProtocol;
import tandem.protocol.Parts;
import tandem.protocol.job.Job;

/**
 * Owns the jobs this node accepted: gives each an id, sends CPU jobs to workers with free slots
 * and I/O jobs to the {@link IoRunner}, records every outcome, and answers for them. A job whose
 * worker is lost is started again elsewhere, up to the configured retries.
 *
 * <p>It keeps the job table, everyone waiting on a job, timeouts and cancels, and drains as a
 * behaviour of its own; the rest is done by plain classes it owns and calls from its messages, so
 * none costs a hop: {@link Intake} takes jobs in, {@link SingleJobs} runs single jobs and records
 * what becomes of them, {@link Runs} runs maps and pipelines as its children.
 */
public final class JobManager extends AbstractBehavior<JobManager.Command> {

  /** Everything this actor handles; none of it crosses a process boundary. */
  public sealed interface Command extends NoSerializationVerificationNeeded
      permits JobProtocol.Submit, JobProtocol.SubmitMap, JobProtocol.SubmitPipeline,
          JobProtocol.SubmitBatch, JobProtocol.Get, JobProtocol.Watch, JobProtocol.MapResults, JobProtocol.ListJobs, JobProtocol.Cancel,
          JobProtocol.Drain, JobProtocol.UploadPart, FromPeer, IoFinished, FromTasks, FleetChanged, MapChanged, MapEnded, MapDrained, StartSteps, PipelineChanged,
          PipelineEnded, RunStopped, TimedOut, DrainDeadline, JobProtocol.Adopt, Unrecorded, AdoptReplied, OwnRows {}

  private record FromPeer(NodeProtocol.ToPeer message) implements Command {}

  /**
   * What the JobManager is spawned behind, so other nodes ask it at its well-known path
   * ({@link NodeProtocol#PEER_PATH}) about the jobs it owns.
   */
  public static Door<NodeProtocol.ToPeer, Command> door() {
    return new Door<>(NodeProtocol.ToPeer.class, FromPeer::new);
  }

  private record IoFinished(IoRunner.Finished outcome) implements Command {}

  /** What the TaskScheduler says about this node's single CPU jobs and map chunks. */
  private record FromTasks(TaskScheduler.Event event) implements Command {}

  private record FleetChanged(int workers) implements Command {}

  /** A map's progress, from its {@link MapRun}. */
  record MapChanged(JobRecord job) implements Command {}

  /** A map's final record, from its {@link MapRun}. */
  record MapEnded(JobRecord job) implements Command {}

  /** A map that streamed its results has none left to read (or nobody read them in time): its run may stop. */
  record MapDrained(long seq) implements Command {}

  /**
   * Start {@code step} of pipeline {@code pipeline} for elements {@code firstElement} on, one job
   * each with the parameters in {@code params} (in element order), and tell {@code replyTo} their
   * records in one message. A pipeline over 100,000 inputs starts its first steps a thousand at a
   * time: one message each way per thousand rather than per element.
   */
  record StartSteps(long pipeline, Job job, int step, int firstElement, List<ObjectNode> params, JobOptions options,
      ActorRef<PipelineRun.Command> replyTo) implements Command {}

  /** A pipeline's record changed (its steps, or its progress over many inputs), from its {@link PipelineRun}. */
  record PipelineChanged(JobRecord job) implements Command {}

  /** A pipeline's final record, from its {@link PipelineRun}. */
  record PipelineEnded(JobRecord job) implements Command {}

  /** A map's or pipeline's run stopped: if its job is not final by then, it failed. */
  record RunStopped(long seq) implements Command {}

  private enum DrainDeadline implements Command { INSTANCE }

  /** A job's --timeout ran out. */
  record TimedOut(long seq) implements Command {}

  /** The journal could not record job {@code seq}: it was refused to its client, and is cancelled. */
  record Unrecorded(long seq, String reason) implements Command {}

  /** The journal's unfinished jobs of this node, read as the JobManager starts. */
  private record OwnRows(java.util.List<tandem.node.journal.JobStore.Row> rows, Throwable error) implements Command {}

  /** What became of the submission of a job taken over from the journal. */
  private record AdoptReplied(String id, String job, SubmitReply reply) implements Command {}

  /** How a submission the journal kept becomes a command again (SubmitRequest's reading, in the HTTP layer). */
  @FunctionalInterface
  public interface SubmissionReader {
    Command read(JsonNode submission, ActorRef<SubmitReply> replyTo);
  }

  /**
   * @param scheduler runs CPU tasks, in workers or on the node's threads
   * @param address this node's cluster address, the owner of every job it accepts
   */
  public static Behavior<Command> create(
      JobCatalog catalog,
      NodeSettings settings,
      ActorRef<IoRunner.Command> io,
      ActorRef<TaskScheduler.Command> scheduler,
      String address) {
    return create(catalog, settings, io, scheduler, address, Optional.empty(), address, (tree, replyTo) -> {
      throw new IllegalStateException("no journal");
    });
  }

  /**
   * @param journal where accepted jobs and their ends are recorded, if the node has a journal
   * @param journalOwner this node as the journal names owners (address and incarnation)
   * @param reader how a submission the journal kept is read again, for a job taken over
   */
  public static Behavior<Command> create(
      JobCatalog catalog,
      NodeSettings settings,
      ActorRef<IoRunner.Command> io,
      ActorRef<TaskScheduler.Command> scheduler,
      String address,
      Optional<JobJournal> journal,
      String journalOwner,
      SubmissionReader reader) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers ->
        new JobManager(context, timers, catalog, settings, io, scheduler, address, new JobRecording(journal, journalOwner), reader)));
  }

  private final NodeSettings settings;
  private final String address;
  private final JobIds ids;
  private final JobTable jobs;
  /** What to do with a job once it is final, by its sequence number. */
  private final Waiters waiters = new Waiters();
  /** How many workers take this node's tasks, as the scheduler last said. */
  private int workers;
  /** The single jobs: where they run, and what becomes of them. */
  private final SingleJobs singles;
  /** The maps and pipelines running, each by a child of its own. */
  private final Runs runs;
  /** Submissions, and a map's uploaded inputs. */
  private final Intake intake;

  private final TimerScheduler<Command> timers;
  /** The journal, if the node has one. */
  private final JobRecording recording;
  private final SubmissionReader reader;
  /** Who waits for the drain to end, once the node is stopping. */
  private final List<ActorRef<Done>> drained = new ArrayList<>();
  /** Jobs handed over at the drain deadline: unfinished here, left to the node that takes them over. */
  private final java.util.Set<Long> handedOver = new java.util.HashSet<>();

  private JobManager(
      ActorContext<Command> context,
      TimerScheduler<Command> timers,
      JobCatalog catalog,
      NodeSettings settings,
      ActorRef<IoRunner.Command> io,
      ActorRef<TaskScheduler.Command> scheduler,
      String address,
      JobRecording recording,
      SubmissionReader reader) {
    super(context);
    this.recording = recording;
    this.reader = reader;

    this.timers = timers;
    ActorRef<TaskScheduler.Event> taskEvents = context.messageAdapter(TaskScheduler.Event.class, FromTasks::new);
    KnownJobs known = new KnownJobs(catalog);
    this.settings = settings;
    this.address = address;
    this.ids = new JobIds(address);
    JobLogs logs = JobLogs.get(context.getSystem());
    this.jobs = new JobTable(settings.retainFinished(), NodeMetrics.get(context.getSystem()), seq -> {
      logs.forget(seq);
      ids.forget(seq);
    });
    LossBudget lossBudget = new LossBudget(settings.workerHeapBytes());
    Admission admission = new Admission(settings);
    ActorRef<IoRunner.Finished> ioReplies = context.messageAdapter(IoRunner.Finished.class, IoFinished::new);
    this.singles = new SingleJobs(context, jobs, ids, known::get, lossBudget, io, ioReplies, scheduler, taskEvents,
        this::finish, this::stepChanged);
    this.runs = new Runs(context, jobs, ids, singles, known::get, settings, admission, lossBudget, scheduler, this::finish,
        recording);
    this.intake = new Intake(known, settings, admission, jobs, singles, runs, waiters, timers, () -> workers, recording,
        context.getSelf());
    scheduler.tell(new TaskScheduler.FollowFleet(
        context.messageAdapter(TaskScheduler.FleetChanged.class, f -> new FleetChanged(f.workers()))));
    // Started again by its supervisor, it forgot its jobs; the journal has them under this node's name.
    context.pipeToSelf(recording.ownUnfinished(), OwnRows::new);
  }

  /** Serving: takes new jobs. Every handler returns {@code same}, so it serves either phase. */
  @Override
  public Receive<Command> createReceive() {
    return withJobsInFlight(newReceiveBuilder()
        .onMessage(Submit.class, submit -> same(() -> intake.submit(submit)))
        .onMessage(SubmitMap.class, submit -> same(() -> intake.submitMap(submit)))
        .onMessage(SubmitPipeline.class, submit -> same(() -> intake.submitPipeline(submit)))
        .onMessage(JobProtocol.SubmitBatch.class, batch -> same(() -> intake.submitBatch(batch)))
        .onMessage(Drain.class, this::onDrain));
  }

  /** Draining: the node is stopping; the jobs in flight finish (or the deadline cancels them), nothing new is taken. */
  private Behavior<Command> draining() {
    return withJobsInFlight(newReceiveBuilder()
        .onMessage(Submit.class, submit -> stopping(submit.replyTo()))
        .onMessage(SubmitMap.class, submit -> stopping(submit.replyTo()))
        .onMessage(SubmitPipeline.class, submit -> stopping(submit.replyTo()))
        .onMessage(JobProtocol.SubmitBatch.class, batch -> {
          batch.entries().forEach(entry -> entry.reply().accept(STOPPING));
          batch.afterAll().run();
          return Behaviors.same();
        })
        .onMessage(Drain.class, this::onDrainAgain)
        .onMessage(DrainDeadline.class, d -> onDrainDeadline()));
  }

  private static final Busy STOPPING = new Busy("this node is stopping and takes no more jobs; submit to another node");

  private Behavior<Command> stopping(ActorRef<SubmitReply> replyTo) {
    replyTo.tell(STOPPING);
    return Behaviors.same();
  }

  /** What the node does in either phase: answer about its jobs and carry them to their end. */
  private Receive<Command> withJobsInFlight(ReceiveBuilder<Command> phase) {
    return phase
        .onMessage(Get.class, this::onGet)
        .onMessage(Watch.class, this::onWatch)
        .onMessage(MapResults.class, this::onMapResults)
        .onMessage(JobProtocol.UploadPart.class, part -> same(() -> intake.upload(lookup(part.id()), part)))
        .onMessage(ListJobs.class, this::onListJobs)
        .onMessage(Cancel.class, this::onCancel)
        .onMessage(FromPeer.class, this::onFromPeer)
        .onMessage(IoFinished.class, finished -> same(() -> singles.onIoFinished(finished.outcome())))
        .onMessage(FromTasks.class, tasks -> same(() -> singles.onTaskEvent(tasks.event())))
        .onMessage(FleetChanged.class, this::onFleetChanged)
        .onMessage(MapChanged.class, changed -> same(() -> runs.changed(changed.job())))
        .onMessage(MapEnded.class, ended -> same(() -> runs.mapEnded(ended.job())))
        .onMessage(MapDrained.class, drained -> same(() -> runs.mapDrained(drained.seq())))
        .onMessage(StartSteps.class, start -> same(() -> runs.startSteps(start)))
        .onMessage(PipelineChanged.class, changed -> same(() -> runs.changed(changed.job())))
        .onMessage(PipelineEnded.class, ended -> same(() -> runs.pipelineEnded(ended.job())))
        .onMessage(RunStopped.class, stopped -> same(() -> {
          if (!handedOver.contains(stopped.seq())) { // a run handed over stopped as it was told: its job is not over
            runs.runStopped(stopped.seq());
          }
        }))
        .onMessage(TimedOut.class, this::onTimedOut)
        .onMessage(Unrecorded.class, this::onUnrecorded)
        .onMessage(JobProtocol.Adopt.class, this::onAdopt)
        .onMessage(AdoptReplied.class, this::onAdoptReplied)
        .onMessage(OwnRows.class, this::onOwnRows)
        .build();
  }

  private Behavior<Command> onDrain(Drain drain) {
    getContext().getLog().info("stopping: taking no more jobs; {} unfinished may take up to {} ms",
        jobs.unfinished(), drain.deadline().toMillis());
    timers.startSingleTimer(DrainDeadline.INSTANCE, DrainDeadline.INSTANCE, drain.deadline());
    onDrainAgain(drain);
    return draining();
  }

  private Behavior<Command> onDrainAgain(Drain drain) {
    drained.add(drain.replyTo());
    checkDrained();
    return Behaviors.same();
  }

  private void checkDrained() {
    if (!drained.isEmpty() && jobs.unfinished() - handedOver.size() == 0) {
      drained.forEach(replyTo -> replyTo.tell(Done.getInstance()));
      drained.clear();
      timers.cancel(DrainDeadline.INSTANCE);
    }
  }

  /**
   * The drain deadline passed with jobs unfinished. Without a journal they are cancelled. With one
   * they are handed over: stopped here but not recorded as ended, so the journal still has them
   * unfinished under this node; once it has left the cluster, another node takes them over (or,
   * when this was the last, the next node started on the journal), and a client waiting on one
   * carries on there.
   */
  private Behavior<Command> onDrainDeadline() {
    long now = System.nanoTime();
    List<JobRecord> left = jobs.unfinishedJobs();
    boolean handOver = recording.on();
    getContext().getLog().warn("stopping: the drain deadline passed; {} {} unfinished jobs", handOver
        ? "handing over (through the journal, to the node that takes them over)" : "cancelling", left.size());
    for (JobRecord job : left) {
      jobs.get(job.seq()).filter(j -> !j.state().isFinal() && j.parent() == 0).ifPresent(j -> {
        if (handOver) {
          handOver(j);
        } else {
          end(j, j.cancelled("the node stopped before it finished (tandem.node.drain-deadline passed)", now));
        }
      });
    }
    checkDrained();
    return Behaviors.same();
  }

  /**
   * Stops a job here without recording its end, so another node runs it from the journal. It stays
   * as it was in this node's memory but no longer counts for the drain, and nobody waiting on it
   * or following it is answered: this node exits, their connections close, and they carry on at
   * the node that takes it over.
   */
  private void handOver(JobRecord job) {
    if (!runs.handOver(job)) {
      singles.stop(job);
    }
    JobLogs.get(getContext().getSystem()).note(job.seq(), -1, "handed over: this node stopped before the job finished");
    handedOver.add(job.seq());
    singles.forget(job.seq());
    if (job.options().timeout() != null) {
      timers.cancel(job.seq());
    }
  }

  private Behavior<Command> onTimedOut(TimedOut timedOut) {
    jobs.get(timedOut.seq()).filter(job -> !job.state().isFinal()).ifPresent(job ->
        end(job, job.timedOut("timed out after " + describe(job.options().timeout()) + " (--timeout) while "
            + job.state().label(), System.nanoTime())));
    return Behaviors.same();
  }

  private Behavior<Command> onUnrecorded(Unrecorded unrecorded) {
    jobs.get(unrecorded.seq()).filter(job -> !job.state().isFinal()).ifPresent(job ->
        end(job, job.cancelled("not accepted: " + unrecorded.reason(), System.nanoTime())));
    return Behaviors.same();
  }

  /**
   * Takes over a job from the journal: submits it again under its id (a pipeline from its start, a
   * map but for the chunks that settled before, as recorded), marked recovered. One that cannot run again ends failed, saying why.
   */
  private Behavior<Command> onAdopt(JobProtocol.Adopt adopt) {
    String reason = adopt.notReplayable();
    if (reason == null) {
      try {
        // One small listener per takeover (they are rare): its reply comes back with the job it is about.
        ActorRef<Command> self = getContext().getSelf();
        ActorRef<SubmitReply> replies = getContext().spawnAnonymous(Behaviors.receive(SubmitReply.class)
            .onAnyMessage(reply -> {
              self.tell(new AdoptReplied(adopt.id(), adopt.job(), reply));
              return Behaviors.stopped();
            }).build());
        Command again = reader.read(adopt.submission(), replies);
        ids.adopt(adopt.id(), adopt.recovered());
        if (again instanceof Submit submit) {
          intake.submit(submit);
        } else if (again instanceof SubmitMap map) {
          intake.submitMap(map);
        } else if (again instanceof SubmitPipeline pipeline) {
          intake.submitPipeline(pipeline);
        }
      } catch (RuntimeException e) {
        reason = "its submission could not be read again: " + e.getMessage();
      } finally {
        ids.adopted();
      }
    }
    OptionalLong seq = ids.seq(adopt.id());
    if (reason == null && seq.isPresent()) {
      jobs.get(seq.getAsLong()).ifPresent(job -> {
        JobLogs.get(getContext().getSystem()).note(job.seq(), -1, "taken over from the journal by this node ("
            + recording.owner() + ") from " + adopt.from() + " (takeover " + adopt.recovered() + "); it runs again"
            + (job.map() != null && !job.map().streamed() ? ", but for the elements that settled before" : " from its start"));
      });
      getContext().getLog().info("took over job {} ({}) from {}", adopt.id(), adopt.job(), adopt.from());
    } else if (reason != null) {
      recording.failedUnrun(adopt.id(), adopt.job(), "its owner " + adopt.from() + " left the cluster, and "
          + "this node could not run it again: " + reason);
    }
    return Behaviors.same();
  }

  /** This node's own unfinished jobs in the journal that it does not know (any more): run again. */
  private Behavior<Command> onOwnRows(OwnRows own) {
    if (own.error() != null) {
      getContext().getLog().warn("could not read this node's unfinished jobs from the journal: {}", own.error().getMessage());
      return Behaviors.same();
    }
    for (tandem.node.journal.JobStore.Row row : own.rows()) {
      if (lookup(row.id()).isEmpty()) {
        onAdopt(tandem.node.journal.Recovery.adoption(row, "this node's own job manager, which had started again",
            row.recovered() + 1));
      }
    }
    return Behaviors.same();
  }

  /** A taken-over job's submission was refused: it ends failed in the journal, saying why. */
  private Behavior<Command> onAdoptReplied(AdoptReplied replied) {
    String reason = replied.reply() instanceof JobProtocol.Rejected r ? r.reason()
        : replied.reply() instanceof JobProtocol.Busy b ? b.reason() : null;
    if (reason != null) {
      recording.failedUnrun(replied.id(), replied.job(), "its owner left the cluster, and the node that took it over"
          + " refused it: " + reason);
    }
    return Behaviors.same();
  }

  private static String describe(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }

  private Behavior<Command> onGet(Get get) {
    get.replyTo().tell(new JobLookup(lookup(get.id())));
    return Behaviors.same();
  }

  private Behavior<Command> onWatch(Watch watch) {
    Optional<JobRecord> job = lookup(watch.id());
    if (job.isEmpty() || job.get().state().isFinal()) {
      watch.replyTo().tell(new JobLookup(job));
    } else {
      waiters.add(job.get().seq(), done -> watch.replyTo().tell(new JobLookup(Optional.of(done))));
    }
    return Behaviors.same();
  }

  private Behavior<Command> onMapResults(MapResults ask) {
    Optional<JobRecord> job = lookup(ask.id());
    if (job.isPresent() && handedOver.contains(job.get().seq())) {
      return Behaviors.same(); // not answered: its reader follows it at the node that takes it over
    }
    if (job.isEmpty() || !runs.follow(job.get().seq(), ask)) {
      ask.replyTo().tell(new MapEntries(job, "[]", ask.after())); // final, or not a map: its job holds every result
    }
    return Behaviors.same();
  }

  private Behavior<Command> onCancel(Cancel cancel) {
    Optional<JobRecord> found = lookup(cancel.id());
    if (found.isEmpty() || found.get().state().isFinal()) {
      cancel.replyTo().tell(new CancelReply(found, false));
      return Behaviors.same();
    }
    JobRecord job = found.get();
    JobRecord cancelled = end(job, job.cancelled("cancelled by request while " + job.state().label(), System.nanoTime()));
    cancel.replyTo().tell(new CancelReply(Optional.of(cancelled), true));
    return Behaviors.same();
  }

  /**
   * Ends a job before its time (cancelled or timed out): stops all of it that is queued or
   * running, then records {@code ended}; returns the record as finished.
   */
  private JobRecord end(JobRecord job, JobRecord ended) {
    long seq = job.seq();
    if (!runs.stop(job, ended)) {
      singles.stop(job);
    }
    // A pipeline's view of its steps changed meanwhile: keep it.
    JobRecord final_ = jobs.get(seq).map(now -> now.pipeline() == null ? ended : ended.withPipeline(now.pipeline()))
        .orElse(ended);
    finish(final_);
    return final_;
  }

  /** Another node asks about a job; only the owner has it, the others answer null. */
  private Behavior<Command> onFromPeer(FromPeer wrapped) {
    if (wrapped.message() instanceof NodeProtocol.FindJob find) {
      Optional<JobRecord> job = lookup(find.id());
      if (find.untilFinal() && job.isPresent() && !job.get().state().isFinal()) {
        waiters.add(job.get().seq(), done -> find.replyTo().tell(found(done.id(), Optional.of(done))));
      } else {
        find.replyTo().tell(found(find.id(), job));
      }
    }
    return Behaviors.same();
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
        jobs.newest(list.limit()), jobs.count(JobState.QUEUED), jobs.count(JobState.RUNNING), workers));
    return Behaviors.same();
  }

  private Behavior<Command> onFleetChanged(FleetChanged changed) {
    workers = changed.workers();
    return Behaviors.same();
  }

  private void finish(JobRecord job) {
    jobs.put(job);
    recording.finished(job);
    singles.forget(job.seq());
    if (job.options().timeout() != null) {
      timers.cancel(job.seq());
    }
    waiters.jobFinal(job);
    runs.stepEnded(job);
    checkDrained();
  }

  /**
   * A job started running in a worker: if it is a pipeline's step, its pipeline hears. SingleJobs
   * tells it through here since it is made before the Runs it would tell.
   */
  private void stepChanged(JobRecord job) {
    runs.stepChanged(job);
  }

  /** Runs {@code handling} for a message, and stays as it is (serving or draining). */
  private static Behavior<Command> same(Runnable handling) {
    handling.run();
    return Behaviors.same();
  }

  /** The job with id {@code id}, if this node owns it (see {@link JobIds#seq}). */
  private Optional<JobRecord> lookup(String id) {
    OptionalLong seq = ids.seq(id);
    return seq.isPresent() ? jobs.get(seq.getAsLong()) : Optional.empty();
  }
}
