package tandem.node.http;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.Location;
import tandem.protocol.api.Json;

/**
 * For what only a job's owner has (its raw result, its log): a redirect to the same request on
 * the owner's HTTP API, found through the other nodes.
 */
final class OwnerRedirect {
  private final PeerLookup peers;
  private final MembersQuery members;
  private final Duration ask;

  OwnerRedirect(PeerLookup peers, MembersQuery members, Duration ask) {
    this.peers = peers;
    this.members = members;
    this.ask = ask;
  }

  /**
   * @param pathAndQuery what follows {@code /jobs/{id}} in the request, e.g. {@code /result?as=base64}
   * @param what what the owner serves, for messages ("its result")
   */
  CompletableFuture<HttpResponse> to(String id, String pathAndQuery, String what) {
    return peers.find(id, false, ask).thenCompose(found -> {
      if (found.isEmpty()) {
        return CompletableFuture.completedFuture(JsonResponses.unknown(id));
      }
      String owner = found.get().job() != null ? found.get().job().path("owner").asText() : found.get().tooLargeAt();
      return members.httpUrlOf(owner).toCompletableFuture().thenApply(url -> url
          .map(u -> HttpResponse.create()
              .withStatus(StatusCodes.TEMPORARY_REDIRECT)
              .addHeader(Location.create(u + "/jobs/" + id + pathAndQuery))
              .withEntity(ContentTypes.APPLICATION_JSON, Json.write(Json.object()
                  .put("error", "job " + id + " is owned by another node, which serves " + what + " at " + u))
                  .getBytes(StandardCharsets.UTF_8)))
          .orElseGet(() -> JsonResponses.error(StatusCodes.BAD_GATEWAY,
              "job " + id + "'s owner " + owner + " has no HTTP API to ask for " + what)));
    });
  }
}
