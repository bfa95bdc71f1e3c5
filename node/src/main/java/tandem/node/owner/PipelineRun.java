package tandem.node.owner;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import tandem.protocol.api.Json;
import tandem.protocol.job.BadInputException;
import tandem.protocol.job.Job;
import tandem.protocol.job.JobInput;

/**
 * Runs one pipeline, over one input or many, as a child of the JobManager that accepted it. Each
 * step runs as a job of its own, which the JobManager starts when asked ({@link
 * JobManager.StartSteps}), so retries, cancelling and placement work as for any job; this actor
 * decides what comes next ({@link PipelineSteps}), passes each result on as the next step's input,
 * and keeps the pipeline's record: its steps for one input, or like a map ({@link MapTally}) for
 * many. It reports changes and its final record to the JobManager, which then stops it.
 */
final class PipelineRun extends AbstractBehavior<PipelineRun.Command> {

  sealed interface Command extends NoSerializationVerificationNeeded
      permits Follow, Stop, StepsStarted, StepChanged, StepEnded, HandedOver, ReportProgress {}

  /** Time to tell the JobManager how far a pipeline over many inputs has got. */
  private enum ReportProgress implements Command { INSTANCE }

  /**
   * How often a pipeline over many inputs tells the JobManager its progress, at most. Per element,
   * 100,000 waits ending together were 100,000 records for the JobManager to take in on top of
   * their steps' own; those who read the pipeline see it at most this old, and its followers
   * (results as they settle) and its end hear at once.
   */
  private static final Duration PROGRESS_EVERY = Duration.ofMillis(50);

  /** The node stops and hands the pipeline over through the journal: it stops, and its followers hear nothing. */
  enum HandedOver implements Command { INSTANCE }

  /** A client follows a pipeline over many inputs as a map. */
  record Follow(JobProtocol.MapResults ask) implements Command {}

  /** The pipeline ended as {@code ended}: answer what is left and stop. */
  record Stop(JobRecord ended) implements Command {}

  /** The JobManager started {@code step} of elements {@code firstElement} on as the jobs {@code children}, in order. */
  record StepsStarted(List<JobRecord> children, int firstElement, int step) implements Command {}

  /** How many first steps go to the JobManager in one {@link JobManager.StartSteps}. */
  private static final int START_BATCH = 1000;

  /** One of its step jobs changed (it started running). */
  record StepChanged(JobRecord child) implements Command {}

  /** One of its step jobs is final. */
  record StepEnded(JobRecord child) implements Command {}

  /**
   * Checks a pipeline before anything runs: its steps, and each element's first step.
   *
   * @param elements null for one run, else each element's parameters for the first step
   * @return the first step's parameters of each element
   * @throws BadInputException naming the step (and element) and what to change
   */
  static List<ObjectNode> checkedFirsts(PipelineSteps steps, List<ObjectNode> elements) {
    List<ObjectNode> inputs = elements == null ? List.of(Json.object()) : elements;
    List<ObjectNode> firsts = new ArrayList<>(inputs.size());
    for (int i = 0; i < inputs.size(); i++) {
      ObjectNode params = steps.firstParams(inputs.get(i));
      try {
        JobInput.checked(steps.steps().get(0).job(), params);
      } catch (BadInputException e) {
        throw new BadInputException((elements == null ? "" : "element " + i + ": ")
            + (steps.steps().size() > 1 ? "step 1: " : "") + e.getMessage());
      }
      firsts.add(params);
    }
    return firsts;
  }

  /**
   * The steps as given, each job found and checked.
   *
   * @throws BadInputException naming the step and what to change
   */
  static PipelineSteps checkedSteps(List<JobProtocol.PipelineStep> given, java.util.function.Function<String, Job> find,
      int elements) {
    List<PipelineSteps.Step> steps = new ArrayList<>();
    for (int i = 0; i < given.size(); i++) {
      JobProtocol.PipelineStep step = given.get(i);
      try {
        steps.add(new PipelineSteps.Step(find.apply(step.job()), step.params()));
      } catch (BadInputException e) {
        throw new BadInputException((given.size() > 1 ? "step " + (i + 1) + ": " : "") + e.getMessage());
      }
    }
    steps = PipelineSteps.checked(steps);
    PipelineSteps.checkLaterSteps(steps);
    return new PipelineSteps(steps, elements);
  }

  /**
   * @param record the pipeline as accepted; with a map view when it runs over many inputs
   * @param firsts each element's first step's parameters, checked
   */
  static Behavior<Command> create(PipelineSteps steps, List<ObjectNode> firsts, JobRecord record, boolean failFast,
      ActorRef<JobManager.Command> jobs) {
    return Behaviors.setup(context -> Behaviors.withTimers(
        timers -> new PipelineRun(context, timers, steps, firsts, record, failFast, jobs)));
  }

  private final PipelineSteps steps;
  private final ActorRef<JobManager.Command> jobs;
  private final TimerScheduler<Command> timers;
  /** Every step's options: one value for all of them. */
  private final JobOptions stepOptions;
  /** Over many inputs: the elements' outcomes and followers; null over one. */
  private final MapTally tally;
  /** Over one input: the pipeline's record with its steps as they stand; else the tally has it. */
  private JobRecord record;

  private PipelineRun(ActorContext<Command> context, TimerScheduler<Command> timers, PipelineSteps steps,
      List<ObjectNode> firsts, JobRecord record, boolean failFast, ActorRef<JobManager.Command> jobs) {
    super(context);
    this.timers = timers;
    this.steps = steps;
    this.jobs = jobs;
    this.record = record;
    this.tally = record.map() == null ? null : new MapTally(record, failFast);
    // Each step is retried like any job; the pipeline's timeout covers all of its steps.
    JobOptions options = record.options();
    this.stepOptions = new JobOptions(Placement.BY_KIND, null, options.retries(), options.retryOnError());
    for (int from = 0; from < firsts.size(); from += START_BATCH) {
      startSteps(from, 0, firsts.subList(from, Math.min(firsts.size(), from + START_BATCH)));
    }
  }

  private void startSteps(int firstElement, int step, List<ObjectNode> params) {
    jobs.tell(new JobManager.StartSteps(record.seq(), steps.steps().get(step).job(), step, firstElement,
        List.copyOf(params), stepOptions, getContext().getSelf()));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Follow.class, this::onFollow)
        .onMessage(Stop.class, stop -> onStop(stop.ended()))
        .onMessage(HandedOver.class, handedOver -> Behaviors.stopped())
        .onMessage(StepsStarted.class, this::onStepsStarted)
        .onMessage(StepChanged.class, changed -> {
          stepChanged(changed.child());
          return this;
        })
        .onMessage(StepEnded.class, this::onStepEnded)
        .onMessage(ReportProgress.class, report -> {
          jobs.tell(new JobManager.PipelineChanged(record));
          return this;
        })
        .build();
  }

  private Behavior<Command> onFollow(Follow follow) {
    if (tally != null) {
      tally.follow(follow.ask());
    } else {
      follow.ask().replyTo().tell(new JobProtocol.MapEntries(Optional.of(record), "[]", follow.ask().after()));
    }
    return this;
  }

  private Behavior<Command> onStepsStarted(StepsStarted started) {
    for (int i = 0; i < started.children().size(); i++) {
      JobRecord child = started.children().get(i);
      steps.started(child.seq(), started.firstElement() + i, started.step());
      stepChanged(child);
    }
    return this;
  }

  /** Keeps a one-input pipeline's view of its steps current: the user watches them. */
  private void stepChanged(JobRecord child) {
    int[] at = tally != null ? null : steps.whereIs(child.seq());
    if (at != null && !record.state().isFinal()) {
      record = record.withPipeline(record.pipeline().withRun(at[1], child));
      jobs.tell(new JobManager.PipelineChanged(record));
    }
  }

  /** A step ended: start the element's next step, or settle the element. */
  private Behavior<Command> onStepEnded(StepEnded ended) {
    JobRecord child = ended.child();
    if (steps.whereIs(child.seq()) == null) {
      return this;
    }
    stepChanged(child);
    PipelineSteps.Next next = steps.stepEnded(child);
    if (next instanceof PipelineSteps.RunStep step) {
      startSteps(step.element(), step.step(), List.of(step.params()));
      return this;
    }
    PipelineSteps.Settled settled = (PipelineSteps.Settled) next;
    long now = System.nanoTime();
    Optional<JobRecord> done;
    if (tally != null) {
      done = tally.elementSettled(settled.element(), settled.result() == null ? null : settled.result().json(), settled.error(),
          () -> steps.stepsJson(settled.element(), now), now);
      record = tally.record();
    } else {
      done = Optional.of(record.concluded(settled.result(), settled.error(), now));
    }
    if (done.isPresent()) {
      timers.cancel(ReportProgress.INSTANCE);
      jobs.tell(new JobManager.PipelineEnded(done.get()));
      return concluded(done.get());
    }
    if (!timers.isTimerActive(ReportProgress.INSTANCE)) { // only over many inputs: one input is done here
      timers.startSingleTimer(ReportProgress.INSTANCE, PROGRESS_EVERY);
    }
    return this;
  }

  private Behavior<Command> onStop(JobRecord ended) {
    concluded(ended);
    return Behaviors.stopped();
  }

  /**
   * The pipeline ended: its followers hear so, and it answers as a final pipeline until the
   * JobManager stops it (requests passed on meanwhile are answered, not lost).
   */
  private Behavior<Command> concluded(JobRecord ended) {
    record = ended;
    if (tally != null) {
      tally.ended(ended);
    }
    return Behaviors.receive(Command.class)
        .onMessage(Follow.class, follow -> {
          onFollow(follow);
          return Behaviors.same();
        })
        .onMessage(Stop.class, stop -> Behaviors.stopped())
        .onMessage(Command.class, late -> Behaviors.same())
        .build();
  }
}
