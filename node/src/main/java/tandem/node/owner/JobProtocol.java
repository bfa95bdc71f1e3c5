package tandem.node.owner;

import com.fasterxml.jackson.databind.JsonNode;

import tandem.node.Reduce;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.pekko.Done;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * What the rest of a node asks a {@link JobManager} and what it answers: submit, look up, wait
 * for, page through, cancel and list jobs, and drain. The HTTP routes, the job stream and the
 * per-job actors share it, so it lives apart from the actor (as Pekko's style guide does for a
 * protocol several actors share); none of it crosses a process boundary.
 */
public final class JobProtocol {
  private JobProtocol() {}

  /** Accept a job, or refuse it with a one-line reason; {@code options} say how it runs. */
  public record Submit(String job, ObjectNode params, JobOptions options, ActorRef<SubmitReply> replyTo)
      implements JobManager.Command {
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
      implements JobManager.Command {
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
      implements JobManager.Command {
    public SubmitPipeline(
        List<PipelineStep> steps, List<ObjectNode> elements, Reduce reduce, boolean failFast,
        ActorRef<SubmitReply> replyTo) {
      this(steps, elements, reduce, failFast, JobOptions.DEFAULT, replyTo);
    }
  }

  /**
   * The jobs of one job-stream message, each answered through its own {@code reply} (on the
   * JobManager's thread: it must not block): at once when it is refused, else with its {@link
   * Accepted} once the job is final. One message to
   * the JobManager and one hand-over to the scheduler carry the lot; a message and an ask each
   * cost more than a small job does. Each entry's submission has no {@code replyTo} (null).
   */
  public record SubmitBatch(List<Entry> entries, Runnable afterAll) implements JobManager.Command {
    /**
     * @param accepted told each job accepted and not final yet (its id is known from then on), or
     *     null; {@code afterAll} runs once every entry has been taken
     */
    public record Entry(JobManager.Command submit, Consumer<SubmitReply> reply, Consumer<JobRecord> accepted) {
      public Entry {
        if (!(submit instanceof Submit || submit instanceof SubmitMap || submit instanceof SubmitPipeline)) {
          throw new IllegalArgumentException("not a submission: " + submit);
        }
      }
    }
  }

  /** One step of a pipeline as submitted: a job and the parameters given for it. */
  public record PipelineStep(String job, ObjectNode params) {}

  /**
   * Take over job {@code id} from the journal: its owner {@code from} left the cluster and this
   * node won the claim. {@code submission} is the request to run it again (null when it cannot be,
   * and {@code notReplayable} says why); {@code recovered} counts the takeovers so far.
   */
  public record Adopt(String id, String job, String from, JsonNode submission, String notReplayable, int recovered)
      implements JobManager.Command {}

  /** The answer to {@link Submit}, {@link SubmitMap} and {@link SubmitPipeline}. */
  public sealed interface SubmitReply extends NoSerializationVerificationNeeded
      permits Accepted, Rejected, Busy {}

  public record Accepted(JobRecord job) implements SubmitReply {}

  public record Rejected(String reason) implements SubmitReply {}

  /** Not accepted because the node holds as much unfinished work as it may: try again later. */
  public record Busy(String reason) implements SubmitReply {}

  /** The job's current record, at once. */
  public record Get(String id, ActorRef<JobLookup> replyTo) implements JobManager.Command {}

  /** The job's record once it is final (at once if it already is, or unknown). */
  public record Watch(String id, ActorRef<JobLookup> replyTo) implements JobManager.Command {}

  public record JobLookup(Optional<JobRecord> job) implements NoSerializationVerificationNeeded {}

  /**
   * A running map's elements that settled after the first {@code after}: answered once there is
   * at least one, or the map is final.
   */
  public record MapResults(String id, int after, ActorRef<MapEntries> replyTo) implements JobManager.Command {}

  /**
   * The answer to {@link MapResults}.
   *
   * @param entries JSON array text of {@code {index, result|error}} in settling order; empty once
   *     the map is final (its job then holds every result)
   * @param next the position to ask from next time
   */
  public record MapEntries(Optional<JobRecord> job, String entries, int next) implements NoSerializationVerificationNeeded {}

  /**
   * One line of a map's uploaded inputs: the element's parameters, or why the line is no element
   * ({@code problem}, e.g. not JSON); such an element fails with that reason, the map goes on.
   */
  public record UploadedInput(ObjectNode params, String problem) {}

  /** What an upload of a map's inputs sends its map: more inputs, or their end. */
  public sealed interface UploadPart extends JobManager.Command permits MoreInputs, InputsEnded {
    String id();

    /** Who uploads: a map takes its inputs from one upload only. */
    long upload();

    ActorRef<InputsTaken> replyTo();
  }

  /**
   * More of map {@code id}'s inputs, in order; answered once the map has room for more, so an
   * upload is read only as fast as the map sends its elements to workers.
   */
  public record MoreInputs(String id, long upload, List<UploadedInput> inputs, ActorRef<InputsTaken> replyTo)
      implements UploadPart {}

  /**
   * The upload of map {@code id}'s inputs ended: all were sent ({@code broken} null), or it broke
   * off (the connection closed, a line too long) and the map fails for {@code broken}.
   */
  public record InputsEnded(String id, long upload, String broken, ActorRef<InputsTaken> replyTo) implements UploadPart {}

  /**
   * The answer to an {@link UploadPart}: how many inputs the map took so far, or why it takes no
   * more ({@code refused}); {@code unknown} when this node owns no such map.
   */
  public record InputsTaken(int taken, String refused, boolean unknown) implements NoSerializationVerificationNeeded {
    public static InputsTaken ok(int taken) {
      return new InputsTaken(taken, null, false);
    }

    public static InputsTaken refused(int taken, String why) {
      return new InputsTaken(taken, why, false);
    }
  }

  /** Stop a queued or running job this node owns. */
  public record Cancel(String id, ActorRef<CancelReply> replyTo) implements JobManager.Command {}

  /**
   * The answer to {@link Cancel}: the job as it stands afterwards (empty if this node does not own
   * it), and whether this request cancelled it (false when it was final already).
   */
  public record CancelReply(Optional<JobRecord> job, boolean cancelled) implements NoSerializationVerificationNeeded {}

  /** The newest jobs and a summary of the node's load. */
  public record ListJobs(int limit, ActorRef<JobList> replyTo) implements JobManager.Command {}

  public record JobList(List<JobRecord> jobs, int queued, int running, int workers)
      implements NoSerializationVerificationNeeded {}

  /**
   * The node is stopping: accept nothing more (submissions get {@link Busy}), let the jobs in
   * flight finish, and answer once none is left, or once {@code deadline} passed (the rest then
   * end cancelled).
   */
  public record Drain(Duration deadline, ActorRef<Done> replyTo) implements JobManager.Command {}
}
