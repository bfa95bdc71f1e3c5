package tandem.node.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.Location;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tandem.node.owner.JobJson;
import tandem.node.owner.JobManager;
import tandem.node.owner.JobProtocol;
import tandem.node.owner.JobRecord;
import tandem.protocol.api.Json;
import tandem.protocol.api.JobState;
import tandem.protocol.job.BadInputException;

/**
 * The one mapping from what the node's actors answer, and from how asking them fails, to an HTTP
 * status and a JSON body. The routes and the job stream both use it, so a refused submission, an
 * unknown job or a node too slow to answer gets the same status and words whichever way the
 * request came in. Every error is one line, {@code {"error": ...}}, never a stack trace.
 */
final class JsonResponses {
  private static final Logger log = LoggerFactory.getLogger(JsonResponses.class);

  /** A status and the one-line reason a client gets in place of what it asked for. */
  record Refusal(StatusCode status, String reason) {
    HttpResponse response() {
      return error(status, reason);
    }
  }

  /** An ask of the node's own actors that ran out of time: the node is busy, worth trying again. */
  static final Refusal NO_ANSWER = new Refusal(StatusCodes.SERVICE_UNAVAILABLE, "the node did not answer in time; try again");

  private JsonResponses() {}

  /**
   * Why a submission made no job: 400 when it never could (Rejected), 503 while the node is full
   * (Busy). Callers take an Accepted before they ask.
   */
  static Refusal refused(JobProtocol.SubmitReply reply) {
    if (reply instanceof JobProtocol.Rejected rejected) {
      return new Refusal(StatusCodes.BAD_REQUEST, rejected.reason());
    }
    if (reply instanceof JobProtocol.Busy busy) {
      return new Refusal(StatusCodes.SERVICE_UNAVAILABLE, busy.reason());
    }
    throw new IllegalArgumentException("an accepted submission is not refused: " + reply);
  }

  /**
   * What a request gets when serving it failed: 400 for a mistake in it, 413 for a body over the
   * limit, {@code onTimeout} when an ask ran out of time, and 500 (logged: it is a bug) otherwise.
   */
  static Refusal failure(Throwable error, Refusal onTimeout, long maxBodyBytes) {
    Throwable cause = unwrap(error);
    if (cause instanceof BadInputException) {
      return new Refusal(StatusCodes.BAD_REQUEST, cause.getMessage());
    }
    if (cause instanceof EntityStreamSizeException) {
      return bodyTooLarge(maxBodyBytes);
    }
    if (cause instanceof TimeoutException) {
      return onTimeout;
    }
    log.error("unexpected failure serving a request", cause);
    return new Refusal(StatusCodes.INTERNAL_SERVER_ERROR, "internal error: " + cause.getClass().getSimpleName());
  }

  /** Pekko's own rejections (unknown path, wrong method, ...), as one line of JSON like every other error. */
  static HttpResponse rejected(HttpResponse response, long maxBodyBytes) {
    if (response.status().equals(StatusCodes.PAYLOAD_TOO_LARGE)) {
      return bodyTooLarge(maxBodyBytes).response();
    }
    if (response.entity() instanceof HttpEntity.Strict strict
        && !strict.getContentType().mediaType().equals(MediaTypes.APPLICATION_JSON)) {
      String text = strict.getData().utf8String().trim().lines().findFirst().orElse("");
      return error(response.status(), text.isEmpty() ? response.status().reason() : text);
    }
    return response;
  }

  static Refusal bodyTooLarge(long maxBodyBytes) {
    return new Refusal(StatusCodes.PAYLOAD_TOO_LARGE,
        "the request body is larger than " + maxBodyBytes + " bytes (tandem.http.max-body-bytes)");
  }

  /** A job this node owns, as it stands now. */
  static HttpResponse job(StatusCode status, JobRecord job) {
    return json(status, JobJson.of(job, System.nanoTime()));
  }

  /** A job another node owns, as it showed it: 202 while it is not final and the client waits for that. */
  static HttpResponse peerJob(JsonNode job, boolean wait) {
    return json(JobState.isFinal(job.path("state").asText()) || !wait ? StatusCodes.OK : StatusCodes.ACCEPTED, job);
  }

  /**
   * A job too large to pass between nodes: a redirect to its owner's HTTP API ({@code ownerUrl}),
   * or 502 when the owner has none.
   */
  static HttpResponse tooLargeToPass(String id, String owner, Optional<String> ownerUrl, boolean wait) {
    return ownerUrl
        .map(url -> json(StatusCodes.TEMPORARY_REDIRECT, Json.object()
                .put("error", "job " + id + " is too large to pass between nodes; its owner serves it at " + url))
            .addHeader(Location.create(url + "/jobs/" + id + (wait ? "?wait=true" : ""))))
        .orElseGet(() -> error(StatusCodes.BAD_GATEWAY,
            "job " + id + " is too large to pass between nodes, and its owner " + owner + " has no HTTP API to ask"));
  }

  static HttpResponse unknown(String id) {
    return error(StatusCodes.NOT_FOUND,
        "no node of this cluster has a job '" + id + "' (finished jobs are kept up to tandem.jobs.retain-finished)");
  }

  /**
   * A page of a map's settled elements: {@code {id, state, done, failed, total, next, entries}}; 400
   * for a single job, 404 for a map this node does not own.
   */
  static HttpResponse page(String id, JobProtocol.MapEntries reply) {
    return reply.job().map(job -> job.map() == null
            ? error(StatusCodes.BAD_REQUEST, "job " + id + " is a single job, not a map; GET /jobs/" + id + " shows it")
            : json(StatusCodes.OK, pageOf(job, reply)))
        .orElseGet(() -> error(StatusCodes.NOT_FOUND,
            "this node does not own a map '" + id + "'; ask its owner (GET /jobs/" + id + " from any node names it)"));
  }

  private static ObjectNode pageOf(JobRecord job, JobProtocol.MapEntries reply) {
    ObjectNode out = Json.object();
    out.put("id", job.id());
    out.put("state", job.state().label());
    out.put("done", job.map().done());
    out.put("failed", job.map().failed());
    out.put("total", job.map().total());
    if (job.map().receiving()) {
      out.put("receiving", true);
    }
    out.put("next", reply.next());
    // Already JSON text, written once by the map's run: passed through as it is, never parsed again.
    out.putRawValue("entries", new com.fasterxml.jackson.databind.util.RawValue(reply.entries()));
    return out;
  }

  /** 200 and the cancelled job; 409 when it is final already; 404 when this node does not own it. */
  static HttpResponse cancelled(String id, JobProtocol.CancelReply reply) {
    return reply.job()
        .map(job -> reply.cancelled()
            ? job(StatusCodes.OK, job)
            : error(StatusCodes.CONFLICT, "job " + id + " already " + job.state().label() + "; nothing to cancel"))
        .orElseGet(() -> error(StatusCodes.NOT_FOUND,
            "this node does not own a job '" + id + "'; cancel it on its owner (tandem cancel finds it)"));
  }

  /** The node's load now: {@code {queued, running, workers}}, which the job list and health both begin with. */
  static ObjectNode summary(JobProtocol.JobList listing) {
    ObjectNode out = Json.object();
    out.put("queued", listing.queued());
    out.put("running", listing.running());
    out.put("workers", listing.workers());
    return out;
  }

  static boolean isTimeout(Throwable error) {
    return unwrap(error) instanceof TimeoutException;
  }

  /** The failure itself, out of the wrapper a {@code CompletableFuture} stage puts around it. */
  static Throwable unwrap(Throwable error) {
    return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
  }

  static HttpResponse json(StatusCode status, JsonNode body) {
    return HttpResponse.create()
        .withStatus(status)
        .withEntity(ContentTypes.APPLICATION_JSON, Json.write(body).getBytes(StandardCharsets.UTF_8));
  }

  static HttpResponse error(StatusCode status, String reason) {
    return json(status, Json.object().put("error", reason));
  }
}
