package tandem.node.owner;

import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorRef;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import tandem.node.NodeSettings;
import tandem.node.owner.JobProtocol.Accepted;
import tandem.node.owner.JobProtocol.PipelineStep;
import tandem.node.owner.JobProtocol.Rejected;
import tandem.node.owner.JobProtocol.Submit;
import tandem.node.owner.JobProtocol.SubmitMap;
import tandem.node.owner.JobProtocol.SubmitPipeline;
import tandem.node.owner.JobProtocol.SubmitReply;
import tandem.node.owner.JobProtocol.SubmitUntilFinal;
import tandem.protocol.job.BadInputException;
import tandem.protocol.job.Job;
import tandem.protocol.job.JobInput;
import tandem.protocol.job.JobKind;

/**
 * Takes jobs in: a submission is checked and started (a single job, a map, a pipeline; an I/O job's
 * map as a pipeline of one step) or refused, as busy when the node holds as much as it may; a map's
 * uploaded inputs go on to its run. A submitter hears once: at acceptance or, under {@link
 * SubmitUntilFinal}, when its job is final. A plain class the JobManager owns and calls from its
 * messages (submissions only while it serves: draining, it refuses them itself). Not thread-safe.
 */
final class Intake {
  private final KnownJobs known;
  private final NodeSettings settings;
  private final Admission admission;
  private final JobTable jobs;
  private final SingleJobs singles;
  private final Runs runs;
  /** Where a submission under {@link SubmitUntilFinal} waits for its job to be final. */
  private final Waiters waiters;
  /** The JobManager's, which a job's {@link JobManager.TimedOut} comes back to. */
  private final TimerScheduler<JobManager.Command> timers;
  /** How many workers take this node's tasks, as the scheduler last said. */
  private final IntSupplier workers;
  /** The journal, which records each job before its submitter hears it was accepted. */
  private final JobRecording recording;
  /** The JobManager, told when the journal could not record a job it started. */
  private final ActorRef<JobManager.Command> self;
  /** True while a {@link SubmitUntilFinal}'s submission is handled: its acceptance waits. */
  private boolean acceptWhenFinal;

  Intake(KnownJobs known, NodeSettings settings, Admission admission, JobTable jobs, SingleJobs singles, Runs runs,
      Waiters waiters, TimerScheduler<JobManager.Command> timers, IntSupplier workers, JobRecording recording,
      ActorRef<JobManager.Command> self) {
    this.recording = recording;
    this.self = self;
    this.known = known;
    this.settings = settings;
    this.admission = admission;
    this.jobs = jobs;
    this.singles = singles;
    this.runs = runs;
    this.waiters = waiters;
    this.timers = timers;
    this.workers = workers;
  }

  void submitUntilFinal(SubmitUntilFinal wrapped) {
    acceptWhenFinal = true;
    try {
      if (wrapped.submit() instanceof Submit submit) {
        submit(submit);
      } else if (wrapped.submit() instanceof SubmitMap map) {
        submitMap(map);
      } else {
        submitPipeline((SubmitPipeline) wrapped.submit());
      }
    } finally {
      acceptWhenFinal = false;
    }
  }

  void submit(Submit submit) {
    Optional<Job> found = known.find(submit.job());
    if (found.isEmpty()) {
      submit.replyTo().tell(new Rejected(known.unknown(submit.job())));
      return;
    }
    accept(submit, submit.replyTo(), 1, () -> singles.start(found.get(), submit.params(),
        JobInput.checked(found.get(), submit.params()), 0, submit.options().resolved(settings)));
  }

  void submitMap(SubmitMap submit) {
    Optional<Job> found = known.find(submit.job());
    if (found.isPresent() && found.get().kind() == JobKind.IO && submit.options().on() != Placement.PROCESSES) {
      if (submit.elements() instanceof UploadedElements) {
        submit.replyTo().tell(new JobProtocol.Rejected("'" + submit.job() + "' is an I/O job: its map runs as a pipeline"
            + " of one step, which takes its inputs in the submission (--values, or inputs inline), not uploaded"));
        return;
      }
      // I/O jobs run on the node, one job per element: a pipeline of one step does just that.
      submitPipeline(new SubmitPipeline(List.of(new PipelineStep(submit.job(), submit.shared())),
          submit.elements(), submit.reduce(), submit.failFast(), submit.options(), submit.replyTo()));
      return;
    }
    accept(submit, submit.replyTo(), admission.units(submit.elements(), submit.reduce(), workers.getAsInt()),
        () -> runs.startMap(submit, workers.getAsInt()));
  }

  void submitPipeline(SubmitPipeline submit) {
    accept(submit, submit.replyTo(), submit.elements() == null ? 1 : submit.elements().size(), () -> runs.startPipeline(submit));
  }

  /**
   * Replies with the job {@code start} accepted (and starts its timeout), or with the reason it
   * refused it; a node that holds as much as it may refuses {@code units} more elements as busy.
   * Under {@link SubmitUntilFinal}, the acceptance waits until the job is final.
   */
  private void accept(Object submission, ActorRef<SubmitReply> replyTo, int units, Supplier<JobRecord> start) {
    String unrecordable = recording.refusal();
    if (unrecordable != null) {
      replyTo.tell(new JobProtocol.Busy(unrecordable));
      return;
    }
    SubmitReply refused = admission.refusal(units, jobs.unfinished() + runs.unsettled(workers.getAsInt()));
    if (refused != null) {
      replyTo.tell(refused);
      return;
    }
    try {
      JobRecord job = start.get();
      Duration timeout = job.options().timeout();
      if (timeout != null && !job.state().isFinal()) {
        timers.startSingleTimer(job.seq(), new JobManager.TimedOut(job.seq()), timeout);
      }
      // Recorded before its submitter hears: a job the journal could not record is refused and cancelled.
      CompletableFuture<Void> recorded = recording.accepted(job, submission);
      if (!acceptWhenFinal) {
        recorded.whenComplete((ok, error) -> {
          if (error == null) {
            replyTo.tell(new Accepted(job));
          } else {
            String reason = "the job journal could not record it (" + error.getMessage() + "); try again shortly, or another node";
            self.tell(new JobManager.Unrecorded(job.seq(), reason));
            replyTo.tell(new JobProtocol.Busy(reason));
          }
        });
      } else {
        recorded.whenComplete((ok, error) -> {
          if (error != null) {
            self.tell(new JobManager.Unrecorded(job.seq(), "the job journal could not record it (" + error.getMessage() + ")"));
          }
        });
        JobRecord now = jobs.get(job.seq()).orElse(job); // it may have ended already
        if (now.state().isFinal()) {
          replyTo.tell(new Accepted(now));
        } else {
          waiters.add(job.seq(), done -> replyTo.tell(new Accepted(done)));
        }
      }
    } catch (BadInputException e) {
      replyTo.tell(new Rejected(e.getMessage()));
    }
  }

  /** Uploaded inputs go to their map's run; any other job, or none, refuses them. */
  void upload(Optional<JobRecord> job, JobProtocol.UploadPart part) {
    if (job.isEmpty()) {
      part.replyTo().tell(new JobProtocol.InputsTaken(0, "this node owns no job " + part.id()
          + "; send a map's inputs to the node that accepted it", true));
    } else if (!runs.upload(job.get().seq(), part)) {
      JobRecord found = job.get();
      part.replyTo().tell(JobProtocol.InputsTaken.refused(0, found.state().isFinal() && found.map() != null
          ? "map " + found.id() + " ended " + found.state().label() + "; it takes no more inputs"
          : "job " + found.id() + " is no map whose inputs are uploaded (\"inputs\": \"upload\")"));
    }
  }
}
