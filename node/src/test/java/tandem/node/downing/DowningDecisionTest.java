package tandem.node.downing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.pekko.actor.Address;
import org.apache.pekko.cluster.UniqueAddress;
import org.junit.jupiter.api.Test;
import tandem.node.downing.DowningDecision.Outcome;
import tandem.node.downing.DowningDecision.Probe;

class DowningDecisionTest {
  private static long uid = 1;

  private static Peer node(String host, int port) {
    return new Peer(new UniqueAddress(new Address("pekko", "tandem", host, port), uid++), true);
  }

  private static Peer worker(String host, int port) {
    return new Peer(new UniqueAddress(new Address("pekko", "tandem", host, port), uid++), false);
  }

  private static Set<UniqueAddress> ids(Peer... peers) {
    return java.util.Arrays.stream(peers).map(Peer::id).collect(Collectors.toSet());
  }

  private static Set<UniqueAddress> downed(Outcome outcome) {
    return Set.copyOf(outcome.down());
  }

  // Two nodes with two workers each on one machine; the first (oldest, lowest port) is killed
  // with its workers. The survivor's side is 1 node against 1 node + 2 workers: it must win.
  @Test
  void aKilledNodeAndItsWorkersAreDownedByTheSurvivorWhicheverWasFirst() {
    Peer a = node("127.0.0.1", 2551), wa1 = worker("127.0.0.1", 40001), wa2 = worker("127.0.0.1", 40002);
    Peer b = node("127.0.0.1", 2552), wb1 = worker("127.0.0.1", 40003), wb2 = worker("127.0.0.1", 40004);
    List<Peer> all = List.of(a, wa1, wa2, b, wb1, wb2);
    Outcome outcome = DowningDecision.decide(b, all, ids(a, wa1, wa2), Map.of(), true);
    assertEquals(ids(a, wa1, wa2), downed(outcome), outcome.reason());
    // and the other way round
    outcome = DowningDecision.decide(a, all, ids(b, wb1, wb2), Map.of(), true);
    assertEquals(ids(b, wb1, wb2), downed(outcome));
  }

  @Test
  void onlyTheFirstNodeOfASideDecidesAndWorkersNever() {
    Peer a = node("127.0.0.1", 2551), b = node("127.0.0.1", 2552), c = node("127.0.0.1", 2553);
    Peer wc = worker("127.0.0.1", 40001);
    List<Peer> all = List.of(a, b, c, wc);
    assertTrue(DowningDecision.decide(c, all, ids(a), Map.of(), true).isEmpty(), "c is not b's side's first node");
    assertTrue(DowningDecision.decide(wc, all, ids(a), Map.of(), true).isEmpty(), "a worker never decides for others");
    assertEquals(ids(a), downed(DowningDecision.decide(b, all, ids(a), Map.of(), true)));
  }

  @Test
  void aRefusingPortIsDownedAtOnceEvenBeforeTheSetIsStable() {
    Peer a = node("10.0.0.1", 2551), b = node("10.0.0.2", 2551), c = node("10.0.0.3", 2551);
    Peer wc = worker("10.0.0.3", 40001);
    List<Peer> all = List.of(a, b, c, wc);
    Map<UniqueAddress, Probe> probes = Map.of(c.id(), Probe.REFUSED, wc.id(), Probe.NOT_REFUSED);
    assertEquals(ids(c), downed(DowningDecision.decide(a, all, ids(c, wc), probes, false)), "only the proven dead before stable");
    assertEquals(ids(c, wc), downed(DowningDecision.decide(a, all, ids(c, wc), probes, true)));
  }

  @Test
  void anyNodeDownsAMemberWhosePortRefusesEvenIfStillReachable() {
    Peer a = node("127.0.0.1", 2551), b = node("127.0.0.1", 2552), c = node("127.0.0.1", 2553);
    Peer wa = worker("127.0.0.1", 40001);
    List<Peer> all = List.of(a, b, c, wa);
    Map<UniqueAddress, Probe> probes = Map.of(a.id(), Probe.REFUSED, wa.id(), Probe.REFUSED);
    assertEquals(ids(a, wa), downed(DowningDecision.decide(c, all, Set.of(), probes, false)), "c is not the decider, but this is proof");
    assertTrue(DowningDecision.decide(worker("127.0.0.1", 40009), all, Set.of(), probes, true).isEmpty(), "workers never down others");
  }

  @Test
  void aStalledNodeOnThisMachineIsDownedOnceStableButNotBefore() {
    Peer a = node("127.0.0.1", 2551), b = node("127.0.0.1", 2552);
    List<Peer> all = List.of(a, b);
    Map<UniqueAddress, Probe> alive = Map.of(a.id(), Probe.NOT_REFUSED);
    assertTrue(DowningDecision.decide(b, all, ids(a), alive, false).isEmpty());
    assertEquals(ids(a), downed(DowningDecision.decide(b, all, ids(a), alive, true)));
  }

  @Test
  void acrossMachinesTheMajorityOfNodesWinsAndTheMinorityLeaves() {
    Peer a = node("10.0.0.1", 2551), b = node("10.0.0.2", 2551), c = node("10.0.0.3", 2551);
    Peer wa = worker("10.0.0.1", 40001), wb = worker("10.0.0.2", 40001), wc1 = worker("10.0.0.3", 40001),
        wc2 = worker("10.0.0.3", 40002), wc3 = worker("10.0.0.3", 40003);
    List<Peer> all = List.of(a, b, c, wa, wb, wc1, wc2, wc3);
    Map<UniqueAddress, Probe> silent = new HashMap<>();
    // c is cut off with its three workers: 2 nodes against 1, however many workers c has
    Outcome majority = DowningDecision.decide(a, all, ids(c, wc1, wc2, wc3), silent, true);
    assertEquals(ids(c, wc1, wc2, wc3), downed(majority));
    Outcome minority = DowningDecision.decide(c, all, ids(a, b, wa, wb), silent, true);
    assertEquals(ids(c, wc1, wc2, wc3), downed(minority), "the minority downs itself");
    assertEquals(c.id(), minority.down().get(minority.down().size() - 1), "itself last");
  }

  @Test
  void acrossMachinesATieGoesToTheSideWithTheFirstNode() {
    Peer a = node("10.0.0.1", 2551), b = node("10.0.0.2", 2551);
    List<Peer> all = List.of(a, b);
    assertEquals(ids(b), downed(DowningDecision.decide(a, all, ids(b), Map.of(), true)));
    assertEquals(ids(b), downed(DowningDecision.decide(b, all, ids(a), Map.of(), true)), "b leaves");
    // unless b can prove a dead
    assertEquals(ids(a), downed(DowningDecision.decide(b, all, ids(a), Map.of(a.id(), Probe.REFUSED), false)));
  }

  @Test
  void workersCutOffFromEveryNodeLeaveOneByOne() {
    Peer a = node("10.0.0.1", 2551), w1 = worker("10.0.0.9", 40001), w2 = worker("10.0.0.9", 40002);
    List<Peer> all = List.of(a, w1, w2);
    assertEquals(ids(w1), downed(DowningDecision.decide(w1, all, ids(a), Map.of(), true)));
    assertTrue(DowningDecision.decide(w1, all, ids(a), Map.of(), false).isEmpty());
  }

  @Test
  void nothingUnreachableNothingDowned() {
    Peer a = node("127.0.0.1", 2551), w = worker("127.0.0.1", 40001);
    assertTrue(DowningDecision.decide(a, new ArrayList<>(List.of(a, w)), Set.of(), Map.of(), true).isEmpty());
  }

  @Test
  void membersOnLoopbackShareAMachineWhateverTheLoopbackAddress() {
    assertTrue(node("127.0.0.1", 1).sameMachineAs(node("localhost", 2)));
    assertTrue(node("10.0.0.1", 1).sameMachineAs(node("10.0.0.1", 2)));
    assertTrue(!node("10.0.0.1", 1).sameMachineAs(node("10.0.0.2", 1)));
  }
}
