package tandem.node.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import tandem.node.Asks;
import tandem.protocol.api.Json;
import tandem.protocol.NodeProtocol;

/**
 * Finds a job this node does not own by asking every node; the owner answers with it. So a client
 * may ask any node about any job.
 */
final class PeerLookup {
  private static final Duration FIND = Duration.ofSeconds(3);
  /**
   * The longest one wait at another node lasts before this node answers with the job as it stands
   * (the client asks again): an owner that dies meanwhile never answers, and its job may be taken
   * over by then, so a waiting client should not sit out all of max-wait on it.
   */
  private static final Duration PEER_WAIT = Duration.ofSeconds(5);
  private final ActorSystem<?> system;

  PeerLookup(ActorSystem<?> system) {
    this.system = system;
  }

  /**
   * What the owner answered: the job, or (when it is too large for one message) the cluster
   * address of the owner, whose HTTP API serves it.
   */
  record Found(JsonNode job, String tooLargeAt) {}

  /**
   * The job as its owner shows it; with {@code wait}, once it is final or {@code maxWait} ran out
   * (then as it stands). Empty when no node owns it.
   */
  CompletableFuture<Optional<Found>> find(String id, boolean wait, Duration maxWait) {
    return Asks.<Receptionist.Command, Receptionist.Listing>ask(
            system, system.receptionist(), replyTo -> Receptionist.find(NodeProtocol.PEERS, replyTo), FIND)
        .thenCompose(listing -> {
          List<CompletableFuture<Optional<Found>>> asks = listing.getServiceInstances(NodeProtocol.PEERS).stream()
              .map(peer -> Asks.<NodeProtocol.ToPeer, NodeProtocol.FoundJob>ask(
                      system, peer, replyTo -> new NodeProtocol.FindJob(id, wait, replyTo),
                      wait ? (maxWait.compareTo(PEER_WAIT) < 0 ? maxWait : PEER_WAIT) : FIND)
                  .thenApply(PeerLookup::found)
                  .exceptionallyCompose(error -> wait ? find(id, false, maxWait) : CompletableFuture.completedFuture(Optional.empty())))
              .collect(Collectors.toList());
          return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new)).thenApply(done -> asks.stream()
              .map(CompletableFuture::join).flatMap(Optional::stream).findFirst());
        });
  }

  private static Optional<Found> found(NodeProtocol.FoundJob found) {
    if (found.tooLargeAt() != null) {
      return Optional.of(new Found(null, found.tooLargeAt()));
    }
    return Optional.ofNullable(found.job()).map(json -> new Found(Json.read(json), null));
  }
}
