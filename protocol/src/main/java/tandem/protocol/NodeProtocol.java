package tandem.protocol;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/** The conversation between nodes: how a node learns about its peers for {@code members}. */
public final class NodeProtocol {
  private NodeProtocol() {}

  /** Every node registers its peer-facing inbox under this key. */
  public static final ServiceKey<ToPeer> PEERS = ServiceKey.create(ToPeer.class, "tandem-peers");

  /** What one node asks another. */
  public sealed interface ToPeer extends WireMessage permits DescribeNode {}

  /** Asks a node who it is. */
  public record DescribeNode(ActorRef<NodeDescription> replyTo) implements ToPeer {}

  /** A node's answer: its cluster address, OS pid, HTTP URL and how many local workers it keeps. */
  public record NodeDescription(String address, long pid, String httpUrl, int localWorkers)
      implements WireMessage {}
}
