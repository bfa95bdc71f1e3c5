package tandem.node.owner;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import tandem.node.NodeSettings;
import tandem.node.owner.JobProtocol.MapResults;
import tandem.node.owner.JobProtocol.SubmitMap;
import tandem.node.owner.JobProtocol.SubmitPipeline;
import tandem.node.owner.JobProtocol.UploadPart;
import tandem.node.scheduler.TaskScheduler;
import tandem.protocol.job.BadInputException;
import tandem.protocol.job.Job;
import tandem.protocol.job.JobInput;

/**
 * The maps and pipelines this node runs, each by a child of the JobManager's ({@link MapRun},
 * {@link PipelineRun}): checks a submitted one and spawns its run, starts the steps a pipeline asks
 * for, passes readers and uploads on to a run, records what the runs report, and stops a run when
 * its job ends. A plain class the JobManager owns and calls from its messages, not an actor of its
 * own: it spawns and watches with the JobManager's context, so the runs are the JobManager's
 * children and what they report takes no extra hop. It hands every job that is final back to the
 * JobManager ({@code finish}). Not thread-safe.
 */
final class Runs {
  /** The JobManager's: its runs are its children, and report to it. */
  private final ActorContext<JobManager.Command> context;
  private final JobTable jobs;
  private final JobIds ids;
  /** Where a pipeline's steps run, each a single job. */
  private final SingleJobs singles;
  /** The job of this name in the catalog, or a refusal that names the known ones. */
  private final Function<String, Job> known;
  private final NodeSettings settings;
  private final Admission admission;
  private final LossBudget lossBudget;
  private final ActorRef<TaskScheduler.Command> scheduler;
  /** What the JobManager does with a job once it is final. */
  private final Consumer<JobRecord> finish;
  /** The maps running, each by its own {@link MapRun}, by seq. */
  private final Map<Long, ActorRef<MapRun.Command>> maps = new HashMap<>();
  /** Task ids of map chunks, shared by every MapRun; they start far above job numbers, which single jobs use. */
  private final AtomicLong chunkIds = new AtomicLong(1L << 48);
  /** The pipelines running, each by its own {@link PipelineRun}, by seq. */
  private final Map<Long, ActorRef<PipelineRun.Command>> pipelines = new HashMap<>();

  /** The journal, where each map records its settled chunks (and a taken-over map finds them). */
  private final JobRecording recording;

  Runs(ActorContext<JobManager.Command> context, JobTable jobs, JobIds ids, SingleJobs singles,
      Function<String, Job> known, NodeSettings settings, Admission admission, LossBudget lossBudget,
      ActorRef<TaskScheduler.Command> scheduler, Consumer<JobRecord> finish, JobRecording recording) {
    this.context = context;
    this.recording = recording;
    this.jobs = jobs;
    this.ids = ids;
    this.singles = singles;
    this.known = known;
    this.settings = settings;
    this.admission = admission;
    this.lossBudget = lossBudget;
    this.scheduler = scheduler;
    this.finish = finish;
  }

  /**
   * Checks every element, then hands the map to a {@link MapRun} of its own.
   *
   * @param workers how many workers take this node's tasks now
   */
  JobRecord startMap(SubmitMap submit, int workers) {
    boolean takeover = ids.adopting();
    Job job = known.apply(submit.job());
    JobOptions options = submit.options().resolved(settings);
    List<ObjectNode> elements = submit.elements();
    boolean streams = admission.streams(elements, submit.reduce());
    boolean uploaded = elements instanceof UploadedElements;
    if (uploaded && submit.reduce() != null && !submit.reduce().folds()) {
      throw new BadInputException("reduce " + submit.reduce().label() + " keeps every result, and uploaded inputs may be"
          + " of any length: read the results in order instead (drop --reduce), or send the inputs in the submission");
    }
    if (!Admission.folds(submit.reduce()) && !streams) { // it keeps every result until it ends
      checkCount(elements.size(), settings.maxMapElements());
    }
    ChunkMaker.check(job, submit.shared(), elements);
    // Uploaded inputs: the chunk asked for, or 0, sized as their elements turn out to take (MapUpload).
    int chunk = submit.chunk() > 0 || uploaded ? submit.chunk()
        : ChunkMaker.autoChunk(elements, submit.reduce(), options.on(), workers);
    long now = System.nanoTime();
    JobRecord record = ids.queued(job.name(), job.kind(), submit.shared(), now)
        .withMap(new MapView(elements.size(), 0, 0, chunk, submit.reduce(), List.of(), streams, uploaded)).withOptions(options);
    if (options.on() == Placement.THREADS) {
      record = record.running(ids.thisNode(), now);
    }
    jobs.put(record);
    MapRun.Plan plan = new MapRun.Plan(job, submit.shared(), elements, options.on(), submit.failFast(), options.retries());
    ActorRef<MapRun.Command> run = context.spawn(
        MapRun.create(plan, record, MapRun.window(workers, streams ? 0 : chunk), new MapRun.Unreads(admission.streamWindow(), settings.unreadTimeout()), lossBudget,
            chunkIds, scheduler, context.getSelf(), recording.forMap(record, takeover)),
        "map-" + record.seq());
    context.watchWith(run, new JobManager.RunStopped(record.seq()));
    maps.put(record.seq(), run);
    return record;
  }

  /** Checks every step and element, then hands the pipeline to a {@link PipelineRun} of its own. */
  JobRecord startPipeline(SubmitPipeline submit) {
    JobOptions options = submit.options().resolved(settings);
    if (options.on() != Placement.BY_KIND) {
      throw new BadInputException("a pipeline runs each step where its kind says; --on goes with submit and map");
    }
    List<ObjectNode> elements = submit.elements();
    if (elements != null) {
      checkCount(elements.size(), settings.maxMapElements());
    }
    PipelineSteps steps = PipelineRun.checkedSteps(submit.steps(), known, elements == null ? 1 : elements.size());
    List<ObjectNode> firsts = PipelineRun.checkedFirsts(steps, elements);
    long now = System.nanoTime();
    List<String> names = steps.steps().stream().map(step -> step.job().name()).toList();
    JobRecord record = ids.queued(String.join(" | ", names), steps.steps().get(names.size() - 1).job().kind(),
            steps.steps().get(0).params(), now)
        .running(ids.thisNode(), now)
        .withPipeline(new PipelineView(names, List.of()))
        .withOptions(options);
    if (elements != null) {
      record = record.withMap(new MapView(elements.size(), 0, 0, 1, submit.reduce(), List.of()));
    }
    jobs.put(record);
    ActorRef<PipelineRun.Command> run = context.spawn(
        PipelineRun.create(steps, firsts, record, submit.failFast(), context.getSelf()), "pipeline-" + record.seq());
    context.watchWith(run, new JobManager.RunStopped(record.seq()));
    pipelines.put(record.seq(), run);
    return record;
  }

  /** A map takes at least one element, and at most what a node may hold. */
  private static void checkCount(int elements, int max) {
    if (elements == 0 || elements > max) {
      throw new BadInputException("a map takes 1 to " + max + " elements (tandem.jobs.max-map-elements), not " + elements);
    }
  }

  /** A pipeline asks for its next steps: each runs as a job of its own, a step of the pipeline. */
  void startSteps(JobManager.StartSteps start) {
    boolean running = jobs.get(start.pipeline()).map(p -> !p.state().isFinal()).orElse(false);
    if (!running) {
      return;
    }
    List<JobRecord> children = new ArrayList<>(start.params().size());
    singles.holdTasks(); // their tasks (or I/O runs) go out in one message too
    try {
      for (ObjectNode params : start.params()) {
        children.add(singles.start(start.job(), params, JobInput.trusted(params), start.pipeline(), start.options()));
      }
    } finally {
      singles.sendHeldTasks();
    }
    start.replyTo().tell(new PipelineRun.StepsStarted(children, start.firstElement(), start.step()));
  }

  /** A map's or pipeline's record changed, from its run; one that ended meanwhile stays as it ended. */
  void changed(JobRecord changed) {
    jobs.get(changed.seq()).filter(job -> !job.state().isFinal()).ifPresent(job -> jobs.put(changed));
  }

  /** A map's final record, from its run. */
  void mapEnded(JobRecord ended) {
    // A map that streams its results keeps its run until the last of them are read (MapDrained);
    // until then, readers are passed on to it.
    if (!ended.map().streamed()) {
      stopRun(ended.seq());
    }
    jobs.get(ended.seq()).filter(job -> !job.state().isFinal()).ifPresent(job -> finish.accept(ended));
  }

  /** A map that streamed its results has none left to read (or nobody read them in time): its run stops. */
  void mapDrained(long seq) {
    stopRun(seq);
  }

  private void stopRun(long mapSeq) {
    ActorRef<MapRun.Command> run = maps.remove(mapSeq);
    if (run != null) {
      run.tell(new MapRun.Stop(jobs.get(mapSeq).orElseThrow()));
    }
  }

  /** A pipeline's final record, from its run. */
  void pipelineEnded(JobRecord ended) {
    ActorRef<PipelineRun.Command> run = pipelines.remove(ended.seq());
    if (run != null) {
      run.tell(new PipelineRun.Stop(ended));
    }
    jobs.get(ended.seq()).filter(job -> !job.state().isFinal()).ifPresent(job -> {
      stopSteps(job.seq()); // fail-fast: the other elements' steps
      finish.accept(ended);
    });
  }

  /**
   * A MapRun or PipelineRun that stops before its job is final failed inside: the job fails with
   * it, never hangs, and a pipeline's steps still running are cancelled.
   */
  void runStopped(long seq) {
    maps.remove(seq);
    pipelines.remove(seq);
    jobs.get(seq).filter(job -> !job.state().isFinal()).ifPresent(job -> {
      stopSteps(job.seq());
      finish.accept(job.failed("the node's run of this " + (job.map() != null ? "map" : "pipeline")
          + " stopped unexpectedly (see the node's log)", null, -1, System.nanoTime()));
    });
  }

  /**
   * The JobManager ends {@code job} before its time as {@code ended}: a map's run stops, and so do a
   * pipeline's run and its steps.
   *
   * @return false when it has neither (a single job, which the caller stops)
   */
  boolean stop(JobRecord job, JobRecord ended) {
    return stopRun(job, new MapRun.Stop(ended), new PipelineRun.Stop(ended));
  }

  /**
   * Stops job {@code job}'s map or pipeline without ending it: its node hands it over through the
   * journal. Returns false when it is neither (a single job).
   */
  boolean handOver(JobRecord job) {
    return stopRun(job, MapRun.HandedOver.INSTANCE, PipelineRun.HandedOver.INSTANCE);
  }

  /** Tells job {@code job}'s map run or pipeline run how it stops (a pipeline's steps are cancelled); false for neither. */
  private boolean stopRun(JobRecord job, MapRun.Command toMap, PipelineRun.Command toPipeline) {
    long seq = job.seq();
    ActorRef<MapRun.Command> run = maps.remove(seq);
    if (run != null) {
      run.tell(toMap);
      return true;
    }
    if (job.pipeline() == null) {
      return false;
    }
    ActorRef<PipelineRun.Command> pipeline = pipelines.remove(seq); // first: its steps' ends are not its business now
    stopSteps(seq);
    if (pipeline != null) {
      pipeline.tell(toPipeline);
    }
    return true;
  }

  /** Cancels a pipeline's steps still queued or running. */
  private void stopSteps(long pipeline) {
    long now = System.nanoTime();
    for (JobRecord step : jobs.unfinishedSteps(pipeline)) {
      singles.stop(step);
      JobRecord stopped = step.cancelled("cancelled with its pipeline", now);
      // A pipeline over one input shows its steps: this one as it ended.
      jobs.get(pipeline).filter(p -> p.map() == null && p.pipeline() != null).ifPresent(p -> jobs.put(
          p.withPipeline(p.pipeline().withRunOf(stopped))));
      finish.accept(stopped);
    }
  }

  /** Passes uploaded inputs on to the run of map {@code seq}; false when it has none. */
  boolean upload(long seq, UploadPart part) {
    ActorRef<MapRun.Command> run = maps.get(seq);
    if (run != null) {
      run.tell(new MapRun.Upload(part));
    }
    return run != null;
  }

  /** Passes a reader on to the run of map or pipeline {@code seq}; false when it has none. */
  boolean follow(long seq, MapResults ask) {
    ActorRef<MapRun.Command> run = maps.get(seq);
    if (run != null) {
      run.tell(new MapRun.Follow(ask));
    } else if (pipelines.containsKey(seq)) {
      pipelines.get(seq).tell(new PipelineRun.Follow(ask));
    } else {
      return false;
    }
    return true;
  }

  /** A job started running in a worker: if it is a pipeline's step, its pipeline hears. */
  void stepChanged(JobRecord job) {
    if (job.parent() != 0) {
      tellPipeline(job.parent(), new PipelineRun.StepChanged(job));
    }
  }

  /** A job is final: if it is a pipeline's step, its pipeline hears. */
  void stepEnded(JobRecord job) {
    if (job.parent() != 0) {
      tellPipeline(job.parent(), new PipelineRun.StepEnded(job));
    }
  }

  private void tellPipeline(long seq, PipelineRun.Command message) {
    ActorRef<PipelineRun.Command> run = pipelines.get(seq);
    if (run != null) {
      run.tell(message);
    }
  }

  /**
   * Elements of every running map and pipeline over many inputs not settled yet.
   *
   * @param workers how many workers take this node's tasks now
   */
  long unsettled(int workers) {
    long n = 0;
    for (long seq : maps.keySet()) {
      n += unsettled(seq, workers);
    }
    for (long seq : pipelines.keySet()) {
      n += unsettled(seq, workers);
    }
    return n;
  }

  private long unsettled(long seq, int workers) {
    return jobs.get(seq).map(JobRecord::map).map(view -> admission.held(view, workers)).orElse(0L);
  }
}
