package tandem.node.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.stream.javadsl.Framing;
import org.apache.pekko.stream.javadsl.FramingTruncation;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import tandem.node.Asks;
import tandem.node.NodeSettings;
import tandem.node.owner.JobManager;
import tandem.node.owner.JobProtocol;
import tandem.node.owner.JobProtocol.InputsTaken;
import tandem.node.owner.JobProtocol.UploadedInput;
import tandem.protocol.api.BytesJson;
import tandem.protocol.api.Json;
import tandem.protocol.job.BadInputException;

/**
 * {@code PUT /jobs/{id}/inputs}: the inputs of a map submitted with {@code "inputs": "upload"}, as
 * JSON lines, one object of parameters per line (blank lines are skipped). The body is read only as
 * fast as the map takes elements: each batch of lines waits for the map's answer before the next is
 * read, so a client that sends faster than the workers run is slowed by TCP, and the node never
 * holds an input of any length whole. A line that is no JSON object fails as that element (by its
 * index; its error names the line), and the map goes on. Answered once the last line is taken:
 * {@code {id, inputs}}. An upload cut off in the middle fails its map with that reason.
 */
final class InputUpload {
  /** Lines sent to the map at once: enough to keep the map's chunks full, few enough to hold. */
  private static final int BATCH = 512;
  /** A trickle of lines goes on after this long, without waiting for a batch to fill. */
  private static final Duration BATCH_WAIT = Duration.ofMillis(20);

  private final ActorSystem<?> system;
  private final ActorRef<JobManager.Command> jobs;
  private final SubmitLimits limits;
  /** The longest one line may be: as long as a whole request body. */
  private final int maxLine;
  /** How long a batch may wait for room: a map whose results nobody reads fails within its unread timeout. */
  private final Duration roomWait;

  InputUpload(ActorSystem<?> system, ActorRef<JobManager.Command> jobs, NodeSettings settings, SubmitLimits limits) {
    this.system = system;
    this.jobs = jobs;
    this.limits = limits;
    this.maxLine = (int) Math.min(Integer.MAX_VALUE - 8, settings.maxBodyBytes());
    this.roomWait = settings.unreadTimeout().plusMinutes(1);
  }

  CompletionStage<HttpResponse> upload(String id, Source<ByteString, ?> body) {
    long upload = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    AtomicLong lines = new AtomicLong();
    AtomicReference<InputsTaken> refused = new AtomicReference<>();
    return body
        .via(Framing.delimiter(ByteString.fromString("\n"), maxLine, FramingTruncation.ALLOW))
        .map(line -> input(line, lines.incrementAndGet()))
        .filter(input -> input != BLANK)
        .groupedWithin(BATCH, BATCH_WAIT)
        .mapAsync(1, batch -> refused.get() != null
            ? CompletableFuture.completedFuture(batch) // the map takes no more: the rest is read and dropped
            : Asks.<JobManager.Command, InputsTaken>ask(system, jobs,
                    replyTo -> new JobProtocol.MoreInputs(id, upload, List.copyOf(batch), replyTo), roomWait)
                .thenApply(taken -> {
                  if (taken.refused() != null) {
                    refused.set(taken);
                  }
                  return batch;
                }))
        .runWith(Sink.ignore(), system)
        .handle((done, error) -> error)
        .thenCompose(error -> {
          if (refused.get() != null) {
            return CompletableFuture.completedFuture(refusal(refused.get()));
          }
          String broken = error == null ? null : why(JsonResponses.unwrap(error), lines.get());
          return Asks.<JobManager.Command, InputsTaken>ask(system, jobs,
                  replyTo -> new JobProtocol.InputsEnded(id, upload, broken, replyTo), Duration.ofSeconds(10))
              .thenApply(taken -> broken != null ? JsonResponses.error(StatusCodes.BAD_REQUEST, "the upload broke off: " + broken)
                  : taken.refused() != null ? refusal(taken)
                  : JsonResponses.json(StatusCodes.OK, Json.object().put("id", id).put("inputs", taken.taken())));
        });
  }

  /** A blank line: no element. */
  private static final UploadedInput BLANK = new UploadedInput(null, null);

  /** One line as an element's parameters, or why it is none. */
  private UploadedInput input(ByteString bytes, long number) {
    String line = bytes.utf8String();
    if (line.isBlank()) {
      return BLANK;
    }
    JsonNode tree;
    try {
      tree = JsonShape.read(line, limits);
      BytesJson.received(tree);
    } catch (BadInputException | IllegalArgumentException e) {
      return new UploadedInput(null, "line " + number + " of the inputs: " + e.getMessage());
    }
    if (tree == null || !tree.isObject()) {
      return new UploadedInput(null, "line " + number + " of the inputs is not a JSON object of parameters like {\"x\": 3}");
    }
    return new UploadedInput((ObjectNode) tree, null);
  }

  private HttpResponse refusal(InputsTaken taken) {
    return JsonResponses.error(taken.unknown() ? StatusCodes.NOT_FOUND : StatusCodes.CONFLICT, taken.refused());
  }

  /** Why an upload broke off, as its map's error says it. */
  private String why(Throwable error, long lines) {
    if (error instanceof org.apache.pekko.stream.scaladsl.Framing.FramingException) {
      return "line " + (lines + 1) + " is longer than " + maxLine + " bytes (tandem.http.max-body-bytes)";
    }
    if (error instanceof TimeoutException) {
      return "the map took no more inputs for " + roomWait.toMinutes() + " min";
    }
    return "the connection closed after line " + lines + " (" + error.getClass().getSimpleName()
        + (error.getMessage() == null ? "" : ": " + error.getMessage()) + ")";
  }
}
