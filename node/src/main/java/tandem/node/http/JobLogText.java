package tandem.node.http;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import tandem.node.Asks;
import tandem.node.logs.JobLogs;
import tandem.node.logs.LogTail;
import tandem.node.owner.JobManager;
import tandem.node.owner.JobProtocol;
import tandem.node.owner.JobRecord;
import tandem.protocol.job.BadInputException;

/**
 * {@code GET /jobs/{id}/logs}: what a job wrote (its logger's lines, and what it printed in a
 * worker), as text. {@code ?from=N} gives only what came after offset N (the {@code
 * Tandem-Log-Next} header of the previous answer: {@code tandem logs --follow} reads so), {@code
 * ?element=K} only what element K of a map wrote; without it a map's lines begin with their
 * element's index, {@code [K] }. {@code Tandem-Job-State} says whether more may come: once it is
 * final, everything the job wrote is there. The owner answers; any other node redirects there.
 */
final class JobLogText {
  /** What follows the job's id: what a redirect to its owner repeats. */
  private static final String PATH = "/logs";

  private final ActorSystem<?> system;
  private final ActorRef<JobManager.Command> jobs;
  private final OwnerRedirect owner;
  private final Duration ask;
  private final JobLogs logs;

  JobLogText(ActorSystem<?> system, ActorRef<JobManager.Command> jobs, OwnerRedirect owner, Duration ask) {
    this.system = system;
    this.jobs = jobs;
    this.owner = owner;
    this.ask = ask;
    this.logs = JobLogs.get(system);
  }

  CompletionStage<HttpResponse> of(String id, String fromText, String elementText) {
    long from = fromText == null ? 0 : number("from", fromText);
    Long element = elementText == null ? null : number("element", elementText);
    return Asks.<JobManager.Command, JobProtocol.JobLookup>ask(system, jobs, replyTo -> new JobProtocol.Get(id, replyTo), ask)
        .thenCompose(found -> found.job()
            .map(job -> CompletableFuture.completedFuture(answer(job, from, element)))
            .orElseGet(() -> owner.to(id, PATH + query(fromText, elementText), "its log")));
  }

  private HttpResponse answer(JobRecord job, long from, Long element) {
    if (element != null && (job.map() == null || element >= job.map().total())) {
      return JsonResponses.error(StatusCodes.BAD_REQUEST, job.map() == null
          ? "job " + job.id() + " is not a map: leave element out"
          : "map " + job.id() + " has elements 0 to " + (job.map().total() - 1) + ", not " + element);
    }
    LogTail tail = logs.find(job.seq());
    String text = "";
    long next = from;
    if (tail != null) {
      LogTail.Slice slice = tail.read(from, element);
      text = render(slice, job.map() != null && element == null);
      next = slice.next();
    }
    return HttpResponse.create().withStatus(StatusCodes.OK)
        .addHeader(RawHeader.create("Tandem-Log-Next", Long.toString(next)))
        .addHeader(RawHeader.create("Tandem-Job-State", job.state().label()))
        .withEntity(ContentTypes.TEXT_PLAIN_UTF8, text.getBytes(StandardCharsets.UTF_8));
  }

  /** The slice as text: a line on what was dropped unread, then each piece, a map's lines marked with their element. */
  private String render(LogTail.Slice slice, boolean markElements) {
    StringBuilder out = new StringBuilder();
    if (slice.skipped() > 0) {
      out.append("[... ").append(slice.skipped()).append(" bytes dropped before this: a job keeps the last ")
          .append(logs.perJob()).append(" bytes it wrote (tandem.jobs.logs.max-bytes-per-job) ...]\n");
    }
    boolean lineStart = true;
    long lastElement = Long.MIN_VALUE;
    for (LogTail.Slice.Text piece : slice.texts()) {
      if (!markElements || piece.element() < 0) {
        out.append(piece.text());
        lineStart = piece.text().endsWith("\n");
        continue;
      }
      if (piece.element() != lastElement && !lineStart) {
        out.append('\n'); // a line another element left open ends here
      }
      String text = piece.text();
      int at = 0;
      while (at < text.length()) {
        if (lineStart || piece.element() != lastElement) {
          out.append('[').append(piece.element()).append("] ");
          lastElement = piece.element();
        }
        int end = text.indexOf('\n', at);
        int stop = end < 0 ? text.length() : end + 1;
        out.append(text, at, stop);
        lineStart = end >= 0;
        at = stop;
      }
    }
    return out.toString();
  }

  private static String query(String from, String element) {
    String q = (from == null ? "" : "&from=" + from) + (element == null ? "" : "&element=" + element);
    return q.isEmpty() ? "" : "?" + q.substring(1);
  }

  private static long number(String name, String text) {
    try {
      long n = Long.parseLong(text);
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw new BadInputException(name + " must be a whole number >= 0, not '" + text + "'");
  }
}
