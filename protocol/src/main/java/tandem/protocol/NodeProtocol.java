package tandem.protocol;

import org.apache.pekko.actor.typed.ActorRef;

/** Between nodes: any node can be asked about a job, and the node that owns it answers. */
public final class NodeProtocol {
  private NodeProtocol() {}

  /**
   * Where every node's JobManager takes other nodes' questions, under the node's cluster address:
   * a node asks every node the cluster lists there. A well-known path, not Pekko's receptionist,
   * whose registry spreads by distributed-data gossip (a replicator, its ticks and about 350
   * classes in every node) and lags a new node by a gossip round or more.
   */
  public static final String PEER_PATH = "/user/jobs";

  /** What one node asks another. */
  public sealed interface ToPeer extends WireMessage permits FindJob {}

  /**
   * Asks for a job by id; only its owner answers with it.
   *
   * @param untilFinal answer once the job is final rather than at once
   */
  public record FindJob(String id, boolean untilFinal, ActorRef<FoundJob> replyTo) implements ToPeer {}

  /**
   * The owner's answer.
   *
   * @param job the job as the HTTP API shows it (JSON text), or null from a node that does not own
   *     it, or when it is too large for one message
   * @param tooLargeAt when the job is too large for one message (a large result), the cluster
   *     address of its owner, whose HTTP API serves it; else null
   */
  public record FoundJob(String id, String job, String tooLargeAt) implements WireMessage {}
}
