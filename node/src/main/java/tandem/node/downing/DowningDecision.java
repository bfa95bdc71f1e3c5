package tandem.node.downing;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.cluster.UniqueAddress;

/**
 * Which members to down, given who is unreachable: Tandem's downing rules, as a pure function so
 * every rule has a test (see the README's "What survives what").
 *
 * <ul>
 *   <li>Only nodes decide, and on each side only its first node (by address), so a side never takes
 *       two decisions. Workers never count toward a side's strength: a node's workers die with it,
 *       so counting them let a dead node's side outweigh the survivors.
 *   <li>A member whose cluster port refuses connections is dead (a host that answers with a reset
 *       is up and has nothing listening there): any node downs it at once, on any machine, whether
 *       or not the failure detector has noticed yet.
 *   <li>Once membership and reachability have been stable for a while: unreachable workers are downed (their
 *       tasks are retried elsewhere), and so are unreachable nodes on the decider's own machine
 *       (processes on one machine cannot be cut off from each other; one that stops answering is
 *       stalled, and it leaves when it wakes and finds itself removed).
 *   <li>The remaining unreachable nodes are on other machines and may be alive behind a cut: the
 *       side with more nodes downs the other; on a tie the side with the first node (by address)
 *       wins; the losing side downs itself, so two halves never both serve.
 *   <li>A side with no node at all (workers cut off from every node) cannot serve: each such
 *       worker downs itself.
 * </ul>
 */
final class DowningDecision {
  private DowningDecision() {}

  /** What probing a member's cluster port found. */
  enum Probe {
    /** Connection refused: nothing listens there, the process is gone. */
    REFUSED,
    /** Something accepted the connection, or the probe timed out: maybe alive. */
    NOT_REFUSED
  }

  /** The members to down, and why (for the log). */
  record Outcome(List<UniqueAddress> down, String reason) {
    static final Outcome NOTHING = new Outcome(List.of(), "");

    boolean isEmpty() {
      return down.isEmpty();
    }
  }

  /**
   * @param self this member
   * @param members every member not yet Down, Exiting or Removed, self included
   * @param unreachable the members some observer finds unreachable
   * @param probes what probing members' ports found so far (absent: not probed); a refused one is
   *     dead whether or not it is unreachable yet
   * @param stable whether membership and reachability have stayed the same for the stable-after time
   */
  static Outcome decide(Peer self, Collection<Peer> members, Set<UniqueAddress> unreachable,
      Map<UniqueAddress, Probe> probes, boolean stable) {
    List<UniqueAddress> down = new ArrayList<>();
    List<String> why = new ArrayList<>();
    List<Peer> mySide = new ArrayList<>();
    List<Peer> away = new ArrayList<>();
    for (Peer peer : members) {
      if (!peer.id().equals(self.id()) && probes.get(peer.id()) == Probe.REFUSED) {
        if (self.node()) { // proof, not a judgement: any node may act on it
          down.add(peer.id());
          why.add(peer + ": its port refuses connections (dead)");
        }
      } else if (peer.id().equals(self.id()) || !unreachable.contains(peer.id())) {
        mySide.add(peer);
      } else {
        away.add(peer);
      }
    }
    List<Peer> myNodes = mySide.stream().filter(Peer::node).sorted(Peer.ORDER).toList();
    if (away.isEmpty() || !stable) {
      return outcome(down, why);
    }
    if (myNodes.isEmpty()) {
      boolean nodesAway = away.stream().anyMatch(Peer::node);
      return nodesAway && !self.node()
          ? new Outcome(List.of(self.id()), "no node is reachable from this worker; it leaves")
          : Outcome.NOTHING;
    }
    if (!myNodes.get(0).id().equals(self.id())) {
      return outcome(down, why); // this side's first node decides the rest
    }
    List<UniqueAddress> provenDead = List.copyOf(down);
    List<Peer> undecided = new ArrayList<>();
    for (Peer peer : away) {
      if (!peer.node()) {
        down.add(peer.id());
        why.add(peer + ": unreachable worker");
      } else if (peer.sameMachineAs(self)) {
        down.add(peer.id());
        why.add(peer + ": unreachable node on this machine (stalled)");
      } else {
        undecided.add(peer);
      }
    }
    if (!undecided.isEmpty()) {
      if (wins(myNodes, undecided)) {
        for (Peer peer : undecided) {
          down.add(peer.id());
        }
        why.add(undecided.size() + " unreachable node(s) on other machines against " + myNodes.size() + " here: this side keeps going");
      } else {
        List<UniqueAddress> ours = mySide.stream().filter(p -> !p.id().equals(self.id())).map(Peer::id).toList();
        List<UniqueAddress> all = new ArrayList<>(ours);
        all.add(self.id()); // last, so the others hear of their downing before this node stops
        all.addAll(0, provenDead);
        return new Outcome(all, myNodes.size() + " node(s) here against " + undecided.size()
            + " unreachable on other machines: this side is the minority and leaves");
      }
    }
    return outcome(down, why);
  }

  private static Outcome outcome(List<UniqueAddress> down, List<String> why) {
    return down.isEmpty() ? Outcome.NOTHING : new Outcome(down, String.join("; ", why));
  }

  /** More nodes wins; on a tie, the side holding the first node of both by address. */
  private static boolean wins(List<Peer> mine, List<Peer> theirs) {
    if (mine.size() != theirs.size()) {
      return mine.size() > theirs.size();
    }
    Peer firstTheirs = theirs.stream().min(Peer.ORDER).orElseThrow();
    return Peer.ORDER.compare(mine.get(0), firstTheirs) < 0;
  }
}
