package tandem.node.http;

import tandem.node.journal.JobJournal;
import tandem.node.journal.JobStore;
import tandem.node.journal.Journals;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import tandem.node.Asks;
import tandem.node.NodeSettings;
import tandem.node.owner.JobJson;
import tandem.protocol.api.Json;
import tandem.node.owner.JobManager;
import tandem.node.owner.JobProtocol;
import tandem.protocol.job.BadInputException;

/**
 * Everything under {@code /jobs}: submit, upload a map's inputs ({@link InputUpload}), list, look up (on any node: one this node does not own
 * is asked of the others), wait for, page through a map's results, cancel, and the job stream.
 * One ask of the JobManager per request, each with its own deadline; {@link JsonResponses} turns
 * the reply into the answer.
 */
public final class JobRoutes extends AllDirectives {
  private static final Duration ASK = Duration.ofSeconds(10);
  private static final int DEFAULT_LIST = 50;

  private final ActorSystem<?> system;
  private final ActorRef<JobManager.Command> jobs;
  private final NodeSettings settings;
  private final SubmitLimits limits;
  private final JobStream stream;
  private final PeerLookup peers;
  private final MembersQuery members;
  private final RawResult rawResult;
  private final JobLogText logText;
  private final InputUpload inputs;

  public JobRoutes(ActorSystem<?> system, ActorRef<JobManager.Command> jobs, NodeSettings settings) {
    this.system = system;
    this.jobs = jobs;
    this.settings = settings;
    this.limits = SubmitLimits.create(settings, system.settings().config());
    this.stream = new JobStream(system, jobs, settings, limits);
    this.peers = new PeerLookup(system);
    this.members = new MembersQuery(system);
    OwnerRedirect owner = new OwnerRedirect(peers, members, ASK);
    this.rawResult = new RawResult(system, jobs, owner, ASK);
    this.logText = new JobLogText(system, jobs, owner, ASK);
    this.inputs = new InputUpload(system, jobs, settings, limits);
  }

  public Route routes() {
    return pathPrefix("jobs", () -> concat(
        pathEndOrSingleSlash(() -> concat(post(this::submit), get(this::list))),
        path("stream", () -> get(() -> parameterOptional("ids", ids ->
            handleWebSocketMessages(stream.flow(ids.map(v -> !v.equals("false") && !v.equals("0")).orElse(false)))))),
        pathPrefix(segment(), id -> concat(
            pathEndOrSingleSlash(() -> get(() -> job(id))),
            path("results", () -> get(() -> parameterOptional("after", after ->
                completeWithFuture(results(id, after.map(JobRoutes::parseAfter).orElse(0)))))),
            path("result", () -> get(() -> parameterOptional("as", as ->
                completeWithFuture(rawResult.of(id, RawResult.asBase64(as)))))),
            path("inputs", () -> put(() -> withoutRequestTimeout(() -> withoutSizeLimit(() ->
                extractDataBytes(bytes -> completeWithFuture(inputs.upload(id, bytes))))))),
            path("logs", () -> get(() -> parameterOptional("from", from -> parameterOptional("element", element ->
                completeWithFuture(logText.of(id, from.orElse(null), element.orElse(null))))))),
            path("cancel", () -> post(() -> completeWithFuture(cancel(id))))))));
  }

  private Route submit() {
    return extractRequestEntity(entity -> {
      if (!entity.getContentType().mediaType().equals(MediaTypes.APPLICATION_JSON)) {
        return complete(JsonResponses.error(StatusCodes.UNSUPPORTED_MEDIA_TYPE,
            "send the job as JSON with the header Content-Type: application/json"));
      }
      return withSizeLimit(settings.maxBodyBytes(), () -> entity(Unmarshaller.entityToString(), body ->
          parameterOptional("wait", wait -> completeWithFuture(submit(SubmitRequest.parse(body, limits), flag("wait", wait))))));
    });
  }

  private CompletionStage<HttpResponse> submit(SubmitRequest request, boolean wait) {
    return Asks.<JobManager.Command, JobProtocol.SubmitReply>ask(system, jobs, request::command, ASK)
        .thenCompose(reply -> {
          if (reply instanceof JobProtocol.Accepted accepted) {
            return wait ? awaitFinal(accepted.job().id()) : done(JsonResponses.job(StatusCodes.ACCEPTED, accepted.job()));
          }
          return done(JsonResponses.refused(reply).response());
        });
  }

  private Route job(String id) {
    return parameterOptional("wait", wait -> completeWithFuture(flag("wait", wait)
        ? awaitFinal(id)
        : lookup(id, JobProtocol.Get::new, ASK).thenCompose(found -> found.job()
            .map(job -> done(JsonResponses.job(StatusCodes.OK, job)))
            .orElseGet(() -> fromPeers(id, false)))));
  }

  /**
   * A map's elements that settled after the first {@code after}, in settling order, waiting up to
   * {@code max-wait} for at least one; none when that runs out.
   */
  private CompletionStage<HttpResponse> results(String id, int after) {
    return Asks.<JobManager.Command, JobProtocol.MapEntries>ask(
            system, jobs, replyTo -> new JobProtocol.MapResults(id, after, replyTo), settings.maxWait())
        .exceptionallyCompose(error -> JsonResponses.isTimeout(error)
            ? lookup(id, JobProtocol.Get::new, ASK).thenApply(found -> new JobProtocol.MapEntries(found.job(), "[]", after))
            : CompletableFuture.failedStage(error))
        .thenApply(reply -> JsonResponses.page(id, reply));
  }

  private CompletionStage<HttpResponse> cancel(String id) {
    return Asks.<JobManager.Command, JobProtocol.CancelReply>ask(
            system, jobs, replyTo -> new JobProtocol.Cancel(id, replyTo), ASK)
        .thenApply(reply -> JsonResponses.cancelled(id, reply));
  }

  /**
   * A job another node owns, as that node shows it; 202 while it is not final. One too large to
   * pass between nodes (a large result) is a redirect to its owner's HTTP API.
   */
  private CompletableFuture<HttpResponse> fromPeers(String id, boolean wait) {
    return peers.find(id, wait, settings.maxWait()).thenCompose(found -> {
      if (found.isEmpty()) {
        return fromJournal(id);
      }
      if (found.get().job() != null) {
        return done(JsonResponses.peerJob(found.get().job(), wait));
      }
      String owner = found.get().tooLargeAt();
      return members.httpUrlOf(owner).toCompletableFuture()
          .thenApply(url -> JsonResponses.tooLargeToPass(id, owner, url, wait));
    });
  }

  /**
   * A job no node owns now, as the journal has it: finished (200, as it ended, within the journal's
   * retention), or unfinished while its owner is gone and no node took it over yet (202: ask again).
   */
  private CompletableFuture<HttpResponse> fromJournal(String id) {
    Optional<JobJournal> journal = Journals.of(system);
    if (journal.isEmpty()) {
      return done(JsonResponses.unknown(id));
    }
    return journal.get().find(id).handle((row, error) -> {
      if (error != null) {
        return JsonResponses.error(StatusCodes.SERVICE_UNAVAILABLE, error.getCause() == null ? error.getMessage()
            : error.getCause().getMessage());
      }
      if (row.isEmpty()) {
        return JsonResponses.unknown(id);
      }
      JobStore.Row r = row.get();
      if (r.record() != null) {
        return JsonResponses.json(StatusCodes.OK, Json.read(r.record()));
      }
      String owner = r.owner().contains("#") ? r.owner().substring(0, r.owner().indexOf('#')) : r.owner();
      return JsonResponses.json(StatusCodes.ACCEPTED, Json.object().put("id", r.id()).put("job", r.job())
          .put("state", r.state()).put("owner", owner)
          .put("note", "its owner is gone; a node of the cluster takes it over from the journal within "
              + journal.get().settings().sweepEvery().toSeconds() + " s; ask again"));
    });
  }

  /** The job once final (200), or as it stands when {@code max-wait} runs out (202): poll again. */
  private CompletionStage<HttpResponse> awaitFinal(String id) {
    return lookup(id, JobProtocol.Watch::new, settings.maxWait())
        .thenCompose(found -> found.job()
            .map(job -> done(JsonResponses.job(StatusCodes.OK, job)))
            .orElseGet(() -> fromPeers(id, true)))
        .exceptionallyCompose(error -> JsonResponses.isTimeout(error)
            ? lookup(id, JobProtocol.Get::new, ASK).thenApply(found -> found.job()
                .map(job -> JsonResponses.job(StatusCodes.ACCEPTED, job)).orElseGet(() -> JsonResponses.unknown(id)))
            : CompletableFuture.failedStage(error));
  }

  private CompletionStage<JobProtocol.JobLookup> lookup(
      String id, BiFunction<String, ActorRef<JobProtocol.JobLookup>, JobManager.Command> ask,
      Duration timeout) {
    return Asks.ask(system, jobs, replyTo -> ask.apply(id, replyTo), timeout);
  }

  private Route list() {
    return parameterOptional("limit", limit -> {
      int n = limit.map(JobRoutes::parseLimit).orElse(DEFAULT_LIST);
      return completeWithFuture(Asks.<JobManager.Command, JobProtocol.JobList>ask(
              system, jobs, replyTo -> new JobProtocol.ListJobs(n, replyTo), ASK)
          .thenApply(listing -> {
            ObjectNode out = JsonResponses.summary(listing);
            ArrayNode rows = out.putArray("jobs");
            long now = System.nanoTime();
            listing.jobs().forEach(job -> rows.add(JobJson.of(job, now)));
            return JsonResponses.json(StatusCodes.OK, out);
          }));
    });
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

  private static <T> CompletableFuture<T> done(T value) {
    return CompletableFuture.completedFuture(value);
  }
}
