package tandem.node.downing;

import java.util.Comparator;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.UniqueAddress;

/**
 * A cluster member as the downing decision sees it: where it is and whether it is a node (workers
 * never count toward a side's strength; they die with their node or are spare).
 */
record Peer(UniqueAddress id, boolean node) {
  /** Every member orders peers the same way, so every member of a side picks the same decider. */
  static final Comparator<Peer> ORDER =
      Comparator.comparing(Peer::host).thenComparingInt(Peer::port).thenComparingLong(p -> p.id().longUid());

  static Peer of(Member member) {
    return new Peer(member.uniqueAddress(), member.hasRole("node"));
  }

  String host() {
    return id.address().host().isDefined() ? id.address().host().get() : "";
  }

  int port() {
    return id.address().port().isDefined() ? (Integer) id.address().port().get() : 0;
  }

  /**
   * Whether both run on one machine, as far as their advertised addresses tell: the same host, or
   * both on loopback. Between two such processes the network cannot split, so one that stops
   * answering is dead or stalled, never cut off.
   */
  boolean sameMachineAs(Peer other) {
    return host().equals(other.host()) || (isLoopback(host()) && isLoopback(other.host()));
  }

  private static boolean isLoopback(String host) {
    return host.startsWith("127.") || host.equals("localhost") || host.equals("::1") || host.equals("[::1]")
        || host.equals("0:0:0:0:0:0:0:1");
  }

  @Override
  public String toString() {
    return (node ? "node " : "worker ") + id.address();
  }
}
