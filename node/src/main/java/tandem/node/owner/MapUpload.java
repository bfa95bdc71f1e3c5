package tandem.node.owner;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import tandem.protocol.job.BadInputException;
import tandem.protocol.job.Job;
import tandem.protocol.job.JobInput;
import tandem.node.owner.JobProtocol.InputsTaken;

/**
 * The inputs of a map that come by upload ({@link UploadedElements}), as its {@link MapRun} takes
 * them (a part at a time, into the map's {@link MapTally}): those received and not sent yet, which
 * upload sends them, the upload waiting for room, and how many elements a chunk takes. At most
 * {@link #MOST_PENDING} wait here: beyond, the upload's answer waits until chunks went out, so the
 * node reads the upload only as fast as it sends its elements to workers. Not thread-safe: one
 * actor owns it.
 */
final class MapUpload {
  /** Elements received and not sent yet, beyond which the upload waits for room. */
  static final int MOST_PENDING = 4096;
  /** The most elements a chunk of uploaded inputs takes (as for a listed map's automatic chunks). */
  static final int MOST_PER_CHUNK = 1000;
  /**
   * About how long a chunk should run: long enough that a chunk's trip costs little beside its work,
   * short enough that the last chunks balance out and room comes often for the upload.
   */
  static final long CHUNK_NANOS = 100_000_000L;

  /** One element received and not sent: its index and its parameters laid over the shared ones. */
  record Pending(int index, ObjectNode params) {}

  private final Job job;
  private final ObjectNode shared;
  /** Elements per chunk the submission asked for, or 0 to size chunks by how long elements take. */
  private final int fixedChunk;
  private final ArrayDeque<Pending> pending = new ArrayDeque<>();
  private int received;
  private boolean ended;
  private long uploader;
  private ActorRef<InputsTaken> waiting;
  /** How long an element took in a worker, on average over the last chunks; negative before any came back. */
  private double nanosPerElement = -1;

  MapUpload(Job job, ObjectNode shared, int fixedChunk) {
    this.job = job;
    this.shared = shared;
    this.fixedChunk = fixedChunk;
  }

  /** Why upload {@code upload} may not send inputs, or null when it may (the first upload claims the map). */
  String refusal(long upload) {
    if (ended) {
      return "this map's inputs were all sent already (" + received + ")";
    }
    if (uploader != 0 && uploader != upload) {
      return "another upload sends this map's inputs; a map takes one";
    }
    uploader = upload;
    return null;
  }

  /** Whether any upload came yet. */
  boolean started() {
    return uploader != 0;
  }

  int received() {
    return received;
  }

  /**
   * Takes one input: it waits to be sent, or, when it is no element of this map, it is its index and
   * why it fails ({@code problem} from the upload, or its parameters refused by the job).
   *
   * @return null when it waits to be sent, else the reason the element fails
   */
  String take(JobProtocol.UploadedInput input) {
    int index = received++;
    if (input.problem() != null) {
      return input.problem();
    }
    ObjectNode params = shared.deepCopy().setAll(input.params());
    try {
      JobInput.checked(job, params);
    } catch (BadInputException e) {
      return e.getMessage();
    }
    pending.add(new Pending(index, params));
    return null;
  }

  /**
   * Takes a part of the upload into the map's {@code tally}: more inputs, or their end. Inputs that
   * are no element of it (not JSON, or parameters the job refuses) fail as elements, by their index;
   * the others wait for their chunk. The upload hears back once there is room for more.
   *
   * @return the map's final record, when this ended it
   */
  Optional<JobRecord> takePart(JobProtocol.UploadPart part, MapTally tally, long now) {
    Optional<JobRecord> ended = Optional.empty();
    if (part instanceof JobProtocol.MoreInputs more) {
      tally.received(more.inputs().size());
      for (JobProtocol.UploadedInput input : more.inputs()) {
        String problem = take(input);
        if (problem != null && ended.isEmpty()) {
          ended = tally.elementSettled(lastIndex(), null, problem, null, now);
        }
      }
      answerWhenRoom(part.replyTo());
    } else {
      JobProtocol.InputsEnded inputsEnded = (JobProtocol.InputsEnded) part;
      end();
      part.replyTo().tell(InputsTaken.ok(received()));
      ended = inputsEnded.broken() != null
          ? Optional.of(tally.record().failed("the upload of its inputs broke off after " + received()
              + " elements (" + inputsEnded.broken() + "); nothing more of it runs", null, -1, now))
          : tally.allReceived(now);
    }
    return ended;
  }

  /** The index the last input taken had. */
  int lastIndex() {
    return received - 1;
  }

  /** The upload answers {@code replyTo} now if there is room for more, or once there is. */
  void answerWhenRoom(ActorRef<InputsTaken> replyTo) {
    waiting = replyTo;
    answerIfRoom();
  }

  /** Whether an upload waits for room. */
  boolean waiting() {
    return waiting != null;
  }

  /** Answers the upload that waits for room, if there is some now. */
  void answerIfRoom() {
    if (waiting != null && pending.size() < MOST_PENDING) {
      waiting.tell(InputsTaken.ok(received));
      waiting = null;
    }
  }

  /** No more inputs come. */
  void end() {
    ended = true;
  }

  /** The map ended: an upload waiting for room hears why it may send no more. */
  void refuseWaiting(String why) {
    if (waiting != null) {
      waiting.tell(InputsTaken.refused(received, why));
      waiting = null;
    }
  }

  boolean hasPending() {
    return !pending.isEmpty();
  }

  /**
   * The next chunk's elements: consecutive ones (an element that failed on arrival ends a chunk), as
   * many as the submission asked for, or as take about {@link #CHUNK_NANOS} by how long elements took
   * so far (one at a time until the first chunk came back, like {@code imap}'s default).
   */
  List<Pending> nextChunk() {
    int size = fixedChunk > 0 ? fixedChunk
        : nanosPerElement < 0 ? 1 : (int) Math.max(1, Math.min(MOST_PER_CHUNK, CHUNK_NANOS / Math.max(1.0, nanosPerElement)));
    List<Pending> chunk = new ArrayList<>(Math.min(size, pending.size()));
    int next = pending.peek().index();
    while (chunk.size() < size && !pending.isEmpty() && pending.peek().index() == next) {
      chunk.add(pending.poll());
      next++;
    }
    return chunk;
  }

  /** A chunk of {@code count} elements ran {@code nanos} in its worker: chunks to come are sized by it. */
  void ran(int count, long nanos) {
    double each = (double) nanos / count;
    nanosPerElement = nanosPerElement < 0 ? each : (nanosPerElement + each) / 2;
  }
}
