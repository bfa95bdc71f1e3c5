package tandem.node.http;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.HttpChallenge;
import org.apache.pekko.http.javadsl.model.headers.Location;
import org.apache.pekko.http.javadsl.model.headers.WWWAuthenticate;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tandem.node.Asks;
import tandem.node.Guardian;
import tandem.protocol.api.Json;
import tandem.node.NodeSettings;
import tandem.node.jobs.JobCatalog;
import tandem.node.owner.JobJson;
import tandem.node.owner.JobManager;
import tandem.protocol.api.JobState;
import tandem.node.owner.JobRecord;
import tandem.node.pool.WorkerPool;
import tandem.protocol.job.BadInputException;

/**
 * The node's JSON API. Every answer is JSON; every mistake a client can make gets a 4xx with a
 * one-line {@code {"error": ...}}, never a stack trace.
 */
public final class HttpApi extends AllDirectives {
  private static final Logger log = LoggerFactory.getLogger(HttpApi.class);
  private static final Duration ASK = Duration.ofSeconds(10);
  private static final int DEFAULT_LIST = 50;

  private final ActorSystem<?> system;
  private final ActorRef<JobManager.Command> jobs;
  private final NodeSettings settings;
  private final JsonNode catalog;
  private final MembersQuery members;
  private final PeerLookup peers;
  private final RawResult rawResult;
  private final String address;
  private final JobStream stream;
  private final ActorRef<WorkerPool.Command> pool;
  private final SubmitLimits limits;

  /** @param pool the node's own workers, or null when it starts none */
  public HttpApi(ActorSystem<?> system, ActorRef<JobManager.Command> jobs, ActorRef<WorkerPool.Command> pool,
      JobCatalog catalog, NodeSettings settings, String address) {
    this.system = system;
    this.pool = pool;
    this.catalog = CatalogJson.of(catalog);
    this.jobs = jobs;
    this.settings = settings;
    this.members = new MembersQuery(system);
    this.peers = new PeerLookup(system);
    this.rawResult = new RawResult(system, jobs, peers, members, ASK);
    this.address = address;
    this.limits = SubmitLimits.create(settings, system.settings().config());
    this.stream = new JobStream(system, jobs, settings, limits);
  }

  public Route routes() {
    Route api = api();
    String token = settings.httpToken();
    if (token == null) {
      return api;
    }
    byte[] expected = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
    return optionalHeaderValueByName("Authorization", given -> given
        .filter(value -> MessageDigest.isEqual(value.trim().getBytes(StandardCharsets.UTF_8), expected))
        .map(ok -> api)
        .orElseGet(() -> complete(error(StatusCodes.UNAUTHORIZED,
                given.isEmpty()
                    ? "this node asks every request for its token: send 'Authorization: Bearer <tandem.http.token>' (the CLI and the Java client send $TANDEM_TOKEN)"
                    : "the token sent is not this node's tandem.http.token")
            .addHeader(WWWAuthenticate.create(HttpChallenge.create("Bearer", "tandem"))))));
  }

  private Route api() {
    return handleExceptions(exceptions(), () -> handleRejections(rejections(), () -> concat(
        pathPrefix("jobs", () -> concat(
            pathEndOrSingleSlash(() -> concat(post(this::submit), get(this::list))),
            path("stream", () -> get(() -> handleWebSocketMessages(stream.flow()))),
            pathPrefix(segment(), id -> concat(
                pathEndOrSingleSlash(() -> get(() -> job(id))),
                path("results", () -> get(() -> parameterOptional("after", after ->
                    completeWithFuture(results(id, after.map(HttpApi::parseAfter).orElse(0)))))),
                path("result", () -> get(() -> parameterOptional("as", as ->
                    completeWithFuture(rawResult.of(id, RawResult.asBase64(as)))))),
                path("cancel", () -> post(() -> completeWithFuture(cancel(id)))))))),
        path("workers", () -> post(this::scale)),
        path("members", () -> get(() -> completeWithFuture(members.members().thenApply(m -> json(StatusCodes.OK, m))))),
        path("catalog", () -> get(() -> complete(json(StatusCodes.OK, catalog)))),
        path("health", () -> get(this::health)),
        path("stop", () -> post(this::stop)))));
  }

  private Route submit() {
    return extractRequestEntity(entity -> {
      if (!entity.getContentType().mediaType().equals(MediaTypes.APPLICATION_JSON)) {
        return complete(error(StatusCodes.UNSUPPORTED_MEDIA_TYPE,
            "send the job as JSON with the header Content-Type: application/json"));
      }
      return withSizeLimit(settings.maxBodyBytes(), () -> entity(Unmarshaller.entityToString(), body ->
          parameterOptional("wait", wait -> completeWithFuture(submit(SubmitRequest.parse(body, limits), flag("wait", wait))))));
    });
  }

  private CompletionStage<HttpResponse> submit(SubmitRequest request, boolean wait) {
    return Asks.<JobManager.Command, JobManager.SubmitReply>ask(system, jobs, request::command, ASK)
        .thenCompose(reply -> {
          if (reply instanceof JobManager.Rejected rejected) {
            return CompletableFuture.completedFuture(error(StatusCodes.BAD_REQUEST, rejected.reason()));
          }
          if (reply instanceof JobManager.Busy busy) {
            return CompletableFuture.completedFuture(error(StatusCodes.SERVICE_UNAVAILABLE, busy.reason()));
          }
          JobRecord job = ((JobManager.Accepted) reply).job();
          return wait ? awaitFinal(job.id()) : CompletableFuture.completedFuture(json(StatusCodes.ACCEPTED, render(job)));
        });
  }

  /**
   * {@code POST /workers} with {@code {"count": N}}: keep N local workers from now on. 202 and
   * {@code {before, workers, starting, stopping}}; the extra ones finish their running tasks first.
   */
  private Route scale() {
    return entity(Unmarshaller.entityToString(), body -> {
      int count = ScaleRequest.count(body);
      if (pool == null) {
        return complete(error(StatusCodes.CONFLICT, "this node starts no workers of its own; start more with 'tandem worker --seed'"));
      }
      return completeWithFuture(Asks.<WorkerPool.Command, WorkerPool.Resized>ask(
              system, pool, replyTo -> new WorkerPool.Resize(count, replyTo), ASK)
          .thenApply(resized -> {
            ObjectNode out = Json.object();
            out.put("address", address);
            out.put("before", resized.before());
            out.put("workers", resized.wanted());
            out.put("starting", resized.starting());
            out.put("stopping", resized.stopping());
            return json(StatusCodes.ACCEPTED, out);
          }));
    });
  }

  private Route job(String id) {
    return parameterOptional("wait", wait -> completeWithFuture(flag("wait", wait)
        ? awaitFinal(id)
        : lookup(id, JobManager.Get::new, ASK).thenCompose(found -> found.job()
            .map(job -> CompletableFuture.completedFuture(json(StatusCodes.OK, render(job))))
            .orElseGet(() -> fromPeers(id, false)))));
  }

  /**
   * A map's elements that settled after the first {@code after}, in settling order, waiting up to
   * {@code max-wait} for at least one: {@code {id, state, done, failed, total, next, entries}}.
   */
  private CompletionStage<HttpResponse> results(String id, int after) {
    return Asks.<JobManager.Command, JobManager.MapEntries>ask(
            system, jobs, replyTo -> new JobManager.MapResults(id, after, replyTo), settings.maxWait())
        .exceptionallyCompose(error -> isTimeout(error)
            ? lookup(id, JobManager.Get::new, ASK).thenApply(found -> new JobManager.MapEntries(found.job(), "[]", after))
            : CompletableFuture.failedStage(error))
        .thenApply(reply -> reply.job().map(job -> job.map() == null
                ? error(StatusCodes.BAD_REQUEST, "job " + id + " is a single job, not a map; GET /jobs/" + id + " shows it")
                : json(StatusCodes.OK, page(job, reply)))
            .orElseGet(() -> error(StatusCodes.NOT_FOUND,
                "this node does not own a map '" + id + "'; ask its owner (GET /jobs/" + id + " from any node names it)")));
  }

  private static ObjectNode page(JobRecord job, JobManager.MapEntries reply) {
    ObjectNode out = Json.object();
    out.put("id", job.id());
    out.put("state", job.state().label());
    out.put("done", job.map().done());
    out.put("failed", job.map().failed());
    out.put("total", job.map().total());
    out.put("next", reply.next());
    out.set("entries", Json.read(reply.entries()));
    return out;
  }

  private static int parseAfter(String text) {
    try {
      int n = Integer.parseInt(text);
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw new BadInputException("after must be a whole number >= 0, not '" + text + "'");
  }

  /** 200 and the cancelled job; 409 when it is final already; 404 when this node does not own it. */
  private CompletionStage<HttpResponse> cancel(String id) {
    return Asks.<JobManager.Command, JobManager.CancelReply>ask(
            system, jobs, replyTo -> new JobManager.Cancel(id, replyTo), ASK)
        .thenApply(reply -> reply.job()
            .map(job -> reply.cancelled()
                ? json(StatusCodes.OK, render(job))
                : error(StatusCodes.CONFLICT, "job " + id + " already " + job.state().label() + "; nothing to cancel"))
            .orElseGet(() -> error(StatusCodes.NOT_FOUND,
                "this node does not own a job '" + id + "'; cancel it on its owner (tandem cancel finds it)")));
  }

  /**
   * A job another node owns, as that node shows it; 202 while it is not final. One too large to
   * pass between nodes (a large result) is a redirect to its owner's HTTP API.
   */
  private CompletableFuture<HttpResponse> fromPeers(String id, boolean wait) {
    return peers.find(id, wait, settings.maxWait()).thenCompose(found -> {
      if (found.isEmpty()) {
        return CompletableFuture.completedFuture(unknown(id));
      }
      JsonNode job = found.get().job();
      if (job != null) {
        return CompletableFuture.completedFuture(json(isFinal(job) || !wait ? StatusCodes.OK : StatusCodes.ACCEPTED, job));
      }
      String owner = found.get().tooLargeAt();
      return members.httpUrlOf(owner).toCompletableFuture().thenApply(url -> url
          .map(u -> HttpResponse.create()
              .withStatus(StatusCodes.TEMPORARY_REDIRECT)
              .addHeader(Location.create(u + "/jobs/" + id + (wait ? "?wait=true" : "")))
              .withEntity(ContentTypes.APPLICATION_JSON, Json.write(Json.object()
                  .put("error", "job " + id + " is too large to pass between nodes; its owner serves it at " + u))
                  .getBytes(StandardCharsets.UTF_8)))
          .orElseGet(() -> error(StatusCodes.BAD_GATEWAY,
              "job " + id + " is too large to pass between nodes, and its owner " + owner + " has no HTTP API to ask")));
    });
  }

  private static boolean isFinal(JsonNode job) {
    return JobState.isFinal(job.path("state").asText());
  }

  /** The job once final (200), or as it stands when {@code max-wait} runs out (202): poll again. */
  private CompletionStage<HttpResponse> awaitFinal(String id) {
    return lookup(id, JobManager.Watch::new, settings.maxWait())
        .thenCompose(found -> found.job()
            .map(job -> CompletableFuture.completedFuture(json(StatusCodes.OK, render(job))))
            .orElseGet(() -> fromPeers(id, true)))
        .exceptionallyCompose(error -> isTimeout(error)
            ? lookup(id, JobManager.Get::new, ASK).thenApply(found -> found.job()
                .map(job -> json(StatusCodes.ACCEPTED, render(job))).orElseGet(() -> unknown(id)))
            : CompletableFuture.failedStage(error));
  }

  private CompletionStage<JobManager.JobLookup> lookup(
      String id, BiFunction<String, ActorRef<JobManager.JobLookup>, JobManager.Command> ask,
      Duration timeout) {
    return Asks.ask(system, jobs, replyTo -> ask.apply(id, replyTo), timeout);
  }

  private Route list() {
    return parameterOptional("limit", limit -> {
      int n = limit.map(HttpApi::parseLimit).orElse(DEFAULT_LIST);
      return completeWithFuture(Asks.<JobManager.Command, JobManager.JobList>ask(
              system, jobs, replyTo -> new JobManager.ListJobs(n, replyTo), ASK)
          .thenApply(listing -> {
            ObjectNode out = summary(listing);
            ArrayNode rows = out.putArray("jobs");
            long now = System.nanoTime();
            listing.jobs().forEach(job -> rows.add(JobJson.of(job, now)));
            return json(StatusCodes.OK, out);
          }));
    });
  }

  /** The node's load now: {@code {queued, running, workers}}. */
  private CompletionStage<ObjectNode> load() {
    return Asks.<JobManager.Command, JobManager.JobList>ask(
            system, jobs, replyTo -> new JobManager.ListJobs(0, replyTo), ASK)
        .thenApply(HttpApi::summary);
  }

  private Route health() {
    return completeWithFuture(load()
        .thenApply(out -> {
          out.put("status", "ok");
          out.put("address", address);
          out.put("pid", ProcessHandle.current().pid());
          return json(StatusCodes.OK, out);
        }));
  }

  /**
   * Stops this node gracefully: it takes no more jobs, lets those it has finish (up to the drain
   * deadline) while still answering about them, then leaves the cluster and exits.
   */
  private Route stop() {
    return completeWithFuture(load()
        .thenApply(out -> {
          out.put("stopping", true);
          out.put("address", address);
          out.put("drainDeadlineMs", settings.drainDeadline().toMillis());
          CoordinatedShutdown.get(Adapter.toClassic(system)).run(Guardian.STOP_REQUESTED);
          return json(StatusCodes.ACCEPTED, out);
        }));
  }

  private static ObjectNode summary(JobManager.JobList listing) {
    ObjectNode out = Json.object();
    out.put("queued", listing.queued());
    out.put("running", listing.running());
    out.put("workers", listing.workers());
    return out;
  }

  private static int parseLimit(String text) {
    try {
      int n = Integer.parseInt(text);
      if (n >= 0 && n <= 100_000) {
        return n;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw new BadInputException("limit must be a whole number from 0 to 100000, not '" + text + "'");
  }

  private static boolean flag(String name, Optional<String> value) {
    if (value.isEmpty() || value.get().equals("false")) {
      return false;
    }
    if (value.get().equals("true") || value.get().isEmpty()) {
      return true;
    }
    throw new BadInputException(name + " must be true or false, not '" + value.get() + "'");
  }

  private static JsonNode render(JobRecord job) {
    return JobJson.of(job, System.nanoTime());
  }

  private static HttpResponse unknown(String id) {
    return error(StatusCodes.NOT_FOUND,
        "no node of this cluster has a job '" + id + "' (finished jobs are kept up to tandem.jobs.retain-finished)");
  }

  private static boolean isTimeout(Throwable error) {
    return unwrap(error) instanceof TimeoutException;
  }

  static Throwable unwrap(Throwable error) {
    return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
  }

  static HttpResponse json(StatusCode status, JsonNode body) {
    return HttpResponse.create()
        .withStatus(status)
        .withEntity(ContentTypes.APPLICATION_JSON, Json.write(body).getBytes(StandardCharsets.UTF_8));
  }

  static HttpResponse error(StatusCode status, String reason) {
    ObjectNode body = Json.object();
    body.put("error", reason);
    return json(status, body);
  }

  private ExceptionHandler exceptions() {
    return ExceptionHandler.newBuilder()
        .match(BadInputException.class, e -> complete(error(StatusCodes.BAD_REQUEST, e.getMessage())))
        .matchAny(e -> complete(classify(e)))
        .build();
  }

  private HttpResponse classify(Throwable e) {
    Throwable cause = unwrap(e);
    if (cause instanceof BadInputException) {
      return error(StatusCodes.BAD_REQUEST, cause.getMessage());
    }
    if (cause instanceof EntityStreamSizeException) {
      return error(StatusCodes.PAYLOAD_TOO_LARGE,
          "the request body is larger than " + settings.maxBodyBytes() + " bytes (tandem.http.max-body-bytes)");
    }
    if (cause instanceof TimeoutException) {
      return error(StatusCodes.SERVICE_UNAVAILABLE, "the node did not answer in time; try again");
    }
    log.error("unexpected failure serving a request", cause);
    return error(StatusCodes.INTERNAL_SERVER_ERROR, "internal error: " + cause.getClass().getSimpleName());
  }

  /** Pekko's own rejections (unknown path, wrong method, ...), as one line of JSON. */
  private RejectionHandler rejections() {
    return RejectionHandler.defaultHandler().mapRejectionResponse(this::asJsonError);
  }

  private HttpResponse asJsonError(HttpResponse response) {
    if (response.status().equals(StatusCodes.PAYLOAD_TOO_LARGE)) {
      return error(response.status(),
          "the request body is larger than " + settings.maxBodyBytes() + " bytes (tandem.http.max-body-bytes)");
    }
    if (response.entity() instanceof HttpEntity.Strict strict
        && !strict.getContentType().mediaType().equals(MediaTypes.APPLICATION_JSON)) {
      String text = strict.getData().utf8String().trim().lines().findFirst().orElse("");
      return error(response.status(), text.isEmpty() ? response.status().reason() : text);
    }
    return response;
  }

}
