package tandem.node.http;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.util.ByteString;
import tandem.node.Asks;
import tandem.node.owner.JobManager;
import tandem.node.owner.JobProtocol;
import tandem.node.owner.JobRecord;
import tandem.protocol.api.BytesJson;
import tandem.protocol.job.BadInputException;

/**
 * {@code GET /jobs/{id}/result}: a finished job's result alone, raw. Bytes go as {@code
 * application/octet-stream}, as they are (JSON could carry them only as base64, a third larger);
 * any other result as its JSON. {@code ?as=base64} gives bytes as {@code {"base64": "..."}} for a
 * client that wants JSON. The owner answers; any other node redirects there, since the bytes live
 * only with the owner.
 */
final class RawResult {
  private final ActorSystem<?> system;
  private final ActorRef<JobManager.Command> jobs;
  private final OwnerRedirect owner;
  private final Duration ask;

  RawResult(ActorSystem<?> system, ActorRef<JobManager.Command> jobs, OwnerRedirect owner, Duration ask) {
    this.system = system;
    this.jobs = jobs;
    this.owner = owner;
    this.ask = ask;
  }

  CompletionStage<HttpResponse> of(String id, boolean asBase64) {
    return Asks.<JobManager.Command, JobProtocol.JobLookup>ask(system, jobs, replyTo -> new JobProtocol.Get(id, replyTo), ask)
        .thenCompose(found -> found.job()
            .map(job -> CompletableFuture.completedFuture(answer(job, asBase64)))
            .orElseGet(() -> atOwner(id, asBase64)));
  }

  /** How {@code ?as=} reads: base64, or nothing for raw. */
  static boolean asBase64(java.util.Optional<String> as) {
    if (as.isEmpty()) {
      return false;
    }
    if (!as.get().equals(BytesJson.BASE64)) {
      throw new BadInputException("as may only be base64 (bytes as {\"base64\": ...}); leave it out for the result raw");
    }
    return true;
  }

  private static HttpResponse answer(JobRecord job, boolean asBase64) {
    if (!job.state().isFinal()) {
      return JsonResponses.error(StatusCodes.CONFLICT, "job " + job.id() + " is " + job.state().label()
          + " and has no result yet; GET /jobs/" + job.id() + "?wait=true waits for it");
    }
    if (job.result() == null) {
      return JsonResponses.error(StatusCodes.CONFLICT, "job " + job.id() + " " + job.state().label() + " and has no result: " + job.error());
    }
    if (job.bytes() == null) {
      return HttpResponse.create().withStatus(StatusCodes.OK)
          .withEntity(ContentTypes.APPLICATION_JSON, job.result().getBytes(StandardCharsets.UTF_8));
    }
    if (asBase64) {
      return JsonResponses.json(StatusCodes.OK, BytesJson.base64(job.bytes()));
    }
    // Not copied: the record's bytes never change.
    return HttpResponse.create().withStatus(StatusCodes.OK)
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_OCTET_STREAM, ByteString.fromArrayUnsafe(job.bytes())));
  }

  /** Another node owns the job: a redirect to the same request on its HTTP API. */
  private CompletableFuture<HttpResponse> atOwner(String id, boolean asBase64) {
    return owner.to(id, "/result" + (asBase64 ? "?as=base64" : ""), "its result");
  }
}
