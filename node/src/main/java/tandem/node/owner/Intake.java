package tandem.node.owner;

import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorRef;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
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
import tandem.protocol.job.BadInputException;
import tandem.protocol.job.Job;
import tandem.protocol.job.JobInput;
import tandem.protocol.job.JobKind;

/**
 * Takes jobs in: a submission is checked and started (a single job, a map, a pipeline; an I/O job's
 * map as a pipeline of one step) or refused, as busy when the node holds as much as it may; a map's
 * uploaded inputs go on to its run. A submitter hears once: at acceptance or, under {@link
 * JobProtocol.SubmitBatch}, when its job is final. A plain class the JobManager owns and calls from its
 * messages (submissions only while it serves: draining, it refuses them itself). Not thread-safe.
 */
final class Intake {
  private final KnownJobs known;
  private final NodeSettings settings;
  private final Admission admission;
  private final JobTable jobs;
  private final SingleJobs singles;
  private final Runs runs;
  /** Where a submission of a {@link JobProtocol.SubmitBatch} waits for its job to be final. */
  private final Waiters waiters;
  /** The JobManager's, which a job's {@link JobManager.TimedOut} comes back to. */
  private final TimerScheduler<JobManager.Command> timers;
  /** How many workers take this node's tasks, as the scheduler last said. */
  private final IntSupplier workers;
  /** The journal, which records each job before its submitter hears it was accepted. */
  private final JobRecording recording;
  /** The JobManager, told when the journal could not record a job it started. */
  private final ActorRef<JobManager.Command> self;
  /** True while a {@link JobProtocol.SubmitBatch} is taken: each acceptance waits for its job to be final. */
  private boolean acceptWhenFinal;
  /** While a {@link JobProtocol.SubmitBatch} entry is taken: who hears its job's id once accepted, or null. */
  private Consumer<JobRecord> onAccepted;

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

  /** A job-stream message's jobs, each answered once final; their tasks reach the scheduler together. */
  void submitBatch(JobProtocol.SubmitBatch batch) {
    acceptWhenFinal = true;
    singles.holdTasks();
    try {
      for (JobProtocol.SubmitBatch.Entry entry : batch.entries()) {
        onAccepted = entry.accepted();
        take(entry.submit(), entry.reply());
      }
    } finally {
      onAccepted = null;
      singles.sendHeldTasks();
      acceptWhenFinal = false;
      batch.afterAll().run();
    }
  }

  private void take(JobManager.Command submission, Consumer<SubmitReply> reply) {
    if (submission instanceof Submit submit) {
      submit(submit, reply);
    } else if (submission instanceof SubmitMap map) {
      submitMap(map, reply);
    } else {
      submitPipeline((SubmitPipeline) submission, reply);
    }
  }

  void submit(Submit submit) {
    submit(submit, submit.replyTo()::tell);
  }

  void submitMap(SubmitMap submit) {
    submitMap(submit, submit.replyTo()::tell);
  }

  void submitPipeline(SubmitPipeline submit) {
    submitPipeline(submit, submit.replyTo()::tell);
  }

  private void submit(Submit submit, Consumer<SubmitReply> reply) {
    Optional<Job> found = known.find(submit.job());
    if (found.isEmpty()) {
      reply.accept(new Rejected(known.unknown(submit.job())));
      return;
    }
    accept(submit, reply, 1, () -> singles.start(found.get(), submit.params(),
        JobInput.checked(found.get(), submit.params()), 0, submit.options().resolved(settings)));
  }

  private void submitMap(SubmitMap submit, Consumer<SubmitReply> reply) {
    Optional<Job> found = known.find(submit.job());
    if (found.isPresent() && found.get().kind() == JobKind.IO && submit.options().on() != Placement.PROCESSES) {
      if (submit.elements() instanceof UploadedElements) {
        reply.accept(new JobProtocol.Rejected("'" + submit.job() + "' is an I/O job: its map runs as a pipeline"
            + " of one step, which takes its inputs in the submission (--values, or inputs inline), not uploaded"));
        return;
      }
      // I/O jobs run on the node, one job per element: a pipeline of one step does just that.
      submitPipeline(new SubmitPipeline(List.of(new PipelineStep(submit.job(), submit.shared())),
          submit.elements(), submit.reduce(), submit.failFast(), submit.options(), submit.replyTo()), reply);
      return;
    }
    accept(submit, reply, admission.units(submit.elements(), submit.reduce(), workers.getAsInt(), submit.chunk()),
        () -> runs.startMap(submit, workers.getAsInt()));
  }

  private void submitPipeline(SubmitPipeline submit, Consumer<SubmitReply> reply) {
    accept(submit, reply, submit.elements() == null ? 1 : submit.elements().size(), () -> runs.startPipeline(submit));
  }

  /**
   * Replies with the job {@code start} accepted (and starts its timeout), or with the reason it
   * refused it; a node that holds as much as it may refuses {@code units} more elements as busy.
   * Under a {@link JobProtocol.SubmitBatch}, the acceptance waits until the job is final.
   */
  private void accept(Object submission, Consumer<SubmitReply> reply, int units, Supplier<JobRecord> start) {
    String unrecordable = recording.refusal();
    if (unrecordable != null) {
      reply.accept(new JobProtocol.Busy(unrecordable));
      return;
    }
    SubmitReply refused = admission.refusal(units, jobs.unfinished() + runs.unsettled(workers.getAsInt()));
    if (refused != null) {
      reply.accept(refused);
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
            reply.accept(new Accepted(job));
          } else {
            String reason = "the job journal could not record it (" + error.getMessage() + "); try again shortly, or another node";
            self.tell(new JobManager.Unrecorded(job.seq(), reason));
            reply.accept(new JobProtocol.Busy(reason));
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
          reply.accept(new Accepted(now));
        } else {
          waiters.add(job.seq(), done -> reply.accept(new Accepted(done)));
          if (onAccepted != null) {
            onAccepted.accept(now);
          }
        }
      }
    } catch (BadInputException e) {
      reply.accept(new Rejected(e.getMessage()));
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
