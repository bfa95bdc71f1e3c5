package tandem.node.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.MemberStatus;
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
    List<CompletableFuture<Optional<Found>>> asks = peers().stream()
        .map(peer -> Asks.<NodeProtocol.ToPeer, NodeProtocol.FoundJob>ask(
                system, peer, replyTo -> new NodeProtocol.FindJob(id, wait, replyTo),
                wait ? (maxWait.compareTo(PEER_WAIT) < 0 ? maxWait : PEER_WAIT) : FIND)
            .thenApply(PeerLookup::found)
            .exceptionallyCompose(error -> wait ? find(id, false, maxWait) : CompletableFuture.completedFuture(Optional.empty())))
        .collect(Collectors.toList());
    return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new)).thenApply(done -> asks.stream()
        .map(CompletableFuture::join).flatMap(Optional::stream).findFirst());
  }

  /**
   * The JobManager of every node the cluster lists and this node can reach, this one included, at
   * its well-known path: a node that joined a moment ago is asked too, with no registry to wait for.
   */
  private Set<ActorRef<NodeProtocol.ToPeer>> peers() {
    return MemberPaths.reachable(system, NodeProtocol.PEER_PATH, m -> m.hasRole("node") && m.status() != MemberStatus.down());
  }

  private static Optional<Found> found(NodeProtocol.FoundJob found) {
    if (found.tooLargeAt() != null) {
      return Optional.of(new Found(null, found.tooLargeAt()));
    }
    return Optional.ofNullable(found.job()).map(json -> new Found(Json.read(json), null));
  }
}
