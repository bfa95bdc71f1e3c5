package tandem.node.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.ws.Message;
import org.apache.pekko.http.javadsl.model.ws.TextMessage;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.StreamLimitReachedException;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Sink;
import tandem.protocol.api.Json;
import tandem.node.NodeSettings;
import tandem.node.metrics.NodeMetrics;
import tandem.node.owner.JobManager;
import tandem.node.owner.JobProtocol;
import tandem.node.owner.JobRecord;
import tandem.protocol.api.JobState;
import tandem.protocol.job.BadInputException;

/**
 * {@code GET /jobs/stream}, a WebSocket on which one client submits many jobs without a request
 * each. A text message holds one submission per line, each as {@code POST /jobs} takes it plus a
 * {@code tag} (a number or text) of the client's choosing. Every answer is one line of a text
 * message: {@code {tag, id, state, result}} once the job is final ({@code error} in place of
 * {@code result} when it did not succeed; {@code GET /jobs/{id}} has the whole record), or
 * {@code {tag, status, error}} with the HTTP status the same mistake would get. Answers
 * come as jobs end, not in the order they were sent. A bad line is answered and the connection
 * serves on. With {@code ?ids=true} the node also tells each job's id once it is accepted ({@code
 * {"accepted": [[tag, id], ...]}}, a line per batch), so a client can wait for its jobs at
 * another node should this one die.
 *
 * <p>Lines share a message only when they would otherwise wait: a client sends what queued up
 * while its last send was on the wire, and the node puts into one message the answers that are
 * ready while the socket is busy. One job alone travels alone, at once; many share the cost of
 * a message (for pekko-http, a substream each).
 */
final class JobStream {
  /**
   * Jobs one connection may have unanswered; beyond it the node reads no further from the socket,
   * so a client that sends faster than the node works is slowed by TCP, not by memory.
   */
  static final int WINDOW = 4096;
  /**
   * Lines one message may hold. Each becomes a submission of its own, so a message of millions of
   * tiny lines would cost more heap than its text; the Java client's messages (256 K characters)
   * hold about 11,000 at most.
   */
  static final int MAX_LINES = 65_536;
  /**
   * Jobs handed to the JobManager in one message at most; a message's lines beyond it go in
   * further ones, each waiting for room in the window.
   */
  static final int BATCH = 512;
  private static final String EXAMPLE = "{\"tag\": 1, \"job\": \"square\", \"params\": {\"x\": 3}}";

  /** One line of a message to submit, or the reason the message could not be read. */
  private record Line(String text, String problem) {}

  /**
   * What one line gets back: the final job, or the status and reason {@link JsonResponses} gives
   * the same mistake over plain HTTP.
   */
  private record Answer(JsonNode tag, JobRecord job, JsonResponses.Refusal refusal, ArrayNode accepted) {
    Answer(JsonNode tag, JobRecord job, JsonResponses.Refusal refusal) {
      this(tag, job, refusal, null);
    }

    static Answer of(JsonNode tag, JsonResponses.Refusal refusal) {
      return new Answer(tag, null, refusal);
    }

    /** The ids of a batch's jobs accepted and not final yet, as {@code [tag, id]} pairs. */
    static Answer accepted(ArrayNode pairs) {
      return new Answer(null, null, null, pairs);
    }

    static Answer badInput(JsonNode tag, String reason) {
      return of(tag, new JsonResponses.Refusal(StatusCodes.BAD_REQUEST, reason));
    }
  }


  private final ActorSystem<?> system;
  private final ActorRef<JobManager.Command> jobs;
  private final NodeSettings settings;
  private final SubmitLimits limits;
  private final Materializer materializer;

  JobStream(ActorSystem<?> system, ActorRef<JobManager.Command> jobs, NodeSettings settings, SubmitLimits limits) {
    this.system = system;
    this.jobs = jobs;
    this.settings = settings;
    this.limits = limits;
    this.materializer = Materializer.matFromSystem(system);
  }

  /**
   * @param ids whether the client wants each job's id as soon as it is accepted (a line {@code
   *     {"accepted": [[tag, id], ...]}} per batch, for the jobs not final by then), so that it can
   *     wait for them at another node should this one die
   */
  Flow<Message, Message, NotUsed> flow(boolean ids) {
    NodeMetrics metrics = NodeMetrics.get(system);
    AnswerWindow window = new AnswerWindow(WINDOW);
    // Answers are offered here by the JobManager as jobs end; the window keeps them within its bound.
    // The queue is part of this connection's own stream, not materialized apart: an answer reaches
    // the socket without crossing from one stream's actor to another's (one hop less a job). Its
    // handle exists once the connection's stream is materialized, before any message is read.
    CompletableFuture<BoundedSourceQueue<Answer>> queued = new CompletableFuture<>();
    Source<Answer, NotUsed> answers = Source.<Answer>queue(WINDOW + BATCH).mapMaterializedValue(queue -> {
      queued.complete(queue);
      return NotUsed.getInstance();
    });
    Sink<Message, NotUsed> in = Flow.<Message>create()
        .watchTermination((notUsed, done) -> {
          // The client sent all it will: the connection closes once every job it sent is answered.
          // One that broke stops at once.
          done.whenComplete((ok, failure) -> queued.thenAccept(queue -> {
            if (failure != null) {
              queue.fail(failure);
            } else {
              window.whenAllAnswered(queue::complete);
            }
          }));
          return NotUsed.getInstance();
        })
        .mapAsync(1, this::lines)
        .mapConcat(JobStream::batches)
        // With ids, a batch may owe one line more: its acceptances.
        .mapAsync(1, batch -> queued.thenCompose(queue -> window.take(batch.size() + (ids ? 1 : 0))).thenApply(room -> batch))
        .to(Sink.foreach(batch -> submit(batch, queued.join(), ids ? window : null)));
    Source<Message, NotUsed> out = answers
        .map(answer -> {
          window.answered();
          return render(answer); // here, not on the JobManager's thread that offered it
        })
        .batch(WINDOW, first -> new StringBuilder(first), (all, next) -> all.append('\n').append(next))
        .map(all -> (Message) TextMessage.create(all.toString()));
    return Flow.fromSinkAndSource(in, out)
        .watchTermination((notUsed, done) -> {
          metrics.streamOpened();
          done.whenComplete((ok, failure) -> metrics.streamClosed());
          return NotUsed.getInstance();
        });
  }

  /** A message's lines in batches of at most {@link #BATCH}: each waits for room in the window on its own. */
  private static List<List<Line>> batches(List<Line> lines) {
    List<List<Line>> batches = new ArrayList<>(lines.size() / BATCH + 1);
    for (int from = 0; from < lines.size(); from += BATCH) {
      batches.add(lines.subList(from, Math.min(lines.size(), from + BATCH)));
    }
    return batches;
  }

  private CompletionStage<List<Line>> lines(Message message) {
    if (!message.isText()) {
      message.asBinaryMessage().getStreamedData().runWith(Sink.ignore(), materializer);
      return done(problem("send jobs as text messages of JSON, one per line, like " + EXAMPLE));
    }
    TextMessage text = message.asTextMessage();
    if (text.isStrict()) {
      return done(text.getStrictText().length() > settings.maxBodyBytes() ? problem(tooLarge()) : split(text.getStrictText()));
    }
    return text.getStreamedText()
        .limitWeighted(settings.maxBodyBytes(), part -> (long) part.length())
        .runFold(new StringBuilder(), StringBuilder::append, materializer)
        .thenApply(whole -> split(whole.toString()))
        .exceptionally(failure -> problem(JsonResponses.unwrap(failure) instanceof StreamLimitReachedException
            ? tooLarge()
            : "the message could not be read: " + JsonResponses.unwrap(failure).getMessage()));
  }

  private String tooLarge() {
    return "the message is larger than " + settings.maxBodyBytes() + " characters (tandem.http.max-body-bytes)";
  }

  private static List<Line> problem(String reason) {
    return List.of(new Line(null, reason));
  }

  /** The message's lines, counted first so a message of too many is refused before they are made. */
  private static List<Line> split(String text) {
    long breaks = text.chars().filter(c -> c == '\n').count();
    if (breaks >= MAX_LINES) {
      return problem("the message holds " + (breaks + 1) + " lines; a message takes at most " + MAX_LINES
          + " jobs, one per line: send the rest in further messages");
    }
    List<Line> lines = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (!line.isBlank()) {
        lines.add(new Line(line, null));
      }
    }
    return lines;
  }

  /**
   * Hands a batch's submissions to the JobManager in one message; each is answered through the
   * queue once its job is final. A line that cannot be read is answered at once.
   */
  private void submit(List<Line> batch, BoundedSourceQueue<Answer> queue, AnswerWindow ids) {
    List<JobProtocol.SubmitBatch.Entry> entries = new ArrayList<>(batch.size());
    // Filled on the JobManager's thread as it takes the batch, then offered from there in one line.
    ArrayNode accepted = ids == null ? null : Json.NODES.arrayNode();
    for (Line line : batch) {
      Object taken = submission(line, queue, accepted);
      if (taken instanceof Answer answer) {
        offer(queue, answer);
      } else {
        entries.add((JobProtocol.SubmitBatch.Entry) taken);
      }
    }
    Runnable afterAll = () -> {
      if (accepted != null && !accepted.isEmpty()) {
        offer(queue, Answer.accepted(accepted));
      } else if (ids != null) {
        ids.answered(); // the line it made room for is not needed
      }
    };
    if (entries.isEmpty()) {
      afterAll.run();
    } else {
      jobs.tell(new JobProtocol.SubmitBatch(entries, afterAll));
    }
  }

  /** One line as the JobManager's entry that answers it, or the answer to a line that cannot be read. */
  private Object submission(Line line, BoundedSourceQueue<Answer> queue, ArrayNode accepted) {
    if (line.problem() != null) {
      return Answer.badInput(null, line.problem());
    }
    JsonNode tree;
    try {
      tree = JsonShape.read(line.text(), limits);
    } catch (BadInputException e) {
      return Answer.badInput(JsonShape.tag(line.text()), e.getMessage());
    }
    JsonNode tag = tree != null && tree.isObject() ? ((ObjectNode) tree).remove("tag") : null;
    if (tag == null || !(tag.isNumber() || tag.isTextual())) {
      return Answer.badInput(null, "each job needs a \"tag\", a number or text, to match its answer: " + EXAMPLE);
    }
    SubmitRequest request;
    try {
      request = SubmitRequest.of(tree, limits);
    } catch (BadInputException e) {
      return Answer.badInput(tag, e.getMessage());
    }
    return new JobProtocol.SubmitBatch.Entry(request.command(null), reply -> offer(queue, reply instanceof JobProtocol.Accepted done
        ? new Answer(tag, done.job(), null)
        : Answer.of(tag, JsonResponses.refused(reply))),
        accepted == null ? null : job -> accepted.add(Json.NODES.arrayNode().add(tag).add(job.id())));
  }

  /**
   * Queues an answer for the client. The window keeps the queue from filling; an answer for a
   * connection that has closed meanwhile is dropped (its job ran; {@code GET /jobs/{id}} has it).
   */
  private static void offer(BoundedSourceQueue<Answer> queue, Answer answer) {
    queue.offer(answer);
  }

  private static String render(Answer answer) {
    ObjectNode out = Json.object();
    if (answer.accepted() != null) {
      out.set("accepted", answer.accepted());
      return Json.write(out);
    }
    if (answer.tag() != null) {
      out.set("tag", answer.tag());
    }
    JobRecord job = answer.job();
    if (job != null) {
      out.put("id", job.id());
      out.put("state", job.state().label());
      if (job.state() == JobState.SUCCEEDED) {
        out.putRawValue("result", new RawValue(job.result() == null ? "null" : job.result())); // written as it came
      } else {
        out.put("error", job.error());
      }
    } else {
      out.put("status", answer.refusal().status().intValue());
      out.put("error", answer.refusal().reason());
    }
    return Json.write(out);
  }

  private static <T> CompletionStage<T> done(T value) {
    return CompletableFuture.completedFuture(value);
  }
}
