package tandem.node.downing;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.actor.AbstractActorWithTimers;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.Props;
import org.apache.pekko.cluster.Cluster;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.UniqueAddress;
import org.apache.pekko.event.Logging;
import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.remote.RemoteActorRefProvider;
import org.apache.pekko.remote.artery.ThisActorSystemQuarantinedEvent;
import scala.Option;
import tandem.node.downing.DowningDecision.Outcome;
import tandem.node.downing.DowningDecision.Probe;

/**
 * Runs in every member and applies {@link DowningDecision}: follows membership and reachability,
 * probes cluster ports, and downs what the decision says. Every {@code probe-interval} a node asks
 * the kernel which ports listen on this machine: another node here whose port no longer listens is
 * dead, and then every member here is looked at (its workers die with it), so a killed node is
 * removed in about a second instead of after the failure detector's pause. Each unreachable member,
 * here or elsewhere, is probed once by a connection: refused means dead. One per process, started
 * by Pekko from {@link TandemDowningProvider}.
 */
final class DowningActor extends AbstractActorWithTimers {
  private static final Duration TICK = Duration.ofMillis(500);

  private final LoggingAdapter log = Logging.getLogger(getContext().getSystem(), this);
  private final Cluster cluster = Cluster.get(getContext().getSystem());
  private final DowningSettings settings;
  private final Map<UniqueAddress, Member> members = new HashMap<>();
  private final Set<UniqueAddress> unreachable = new HashSet<>();
  private final Map<UniqueAddress, Probe> probes = new HashMap<>();
  private final Set<UniqueAddress> probing = new HashSet<>();
  private final Set<UniqueAddress> downed = new HashSet<>();
  /** When membership or reachability last changed: stable-after counts from here. */
  private long changedNanos = System.nanoTime();
  private long lastTickNanos = System.nanoTime();
  /** Until then this process distrusts what it sees: it was itself stalled (GC, SIGSTOP). */
  private long distrustUntilNanos = System.nanoTime();
  private long lastSweepNanos = System.nanoTime();
  private boolean sweepAll;

  // Never leave this process: exempt from the tests' serialize-messages check.
  private enum Tick implements NoSerializationVerificationNeeded { INSTANCE }

  private record Probed(UniqueAddress member, Probe result) implements NoSerializationVerificationNeeded {}

  static Props props(DowningSettings settings) {
    return Props.create(DowningActor.class, () -> new DowningActor(settings));
  }

  private DowningActor(DowningSettings settings) {
    this.settings = settings;
  }

  @Override
  public void preStart() {
    cluster.subscribe(getSelf(), ClusterEvent.initialStateAsEvents(),
        ClusterEvent.MemberEvent.class, ClusterEvent.ReachabilityEvent.class);
    getContext().getSystem().getEventStream().subscribe(getSelf(), ThisActorSystemQuarantinedEvent.class);
    getTimers().startTimerWithFixedDelay(Tick.INSTANCE, Tick.INSTANCE, TICK);
  }

  @Override
  public void postStop() {
    cluster.unsubscribe(getSelf());
    getContext().getSystem().getEventStream().unsubscribe(getSelf());
  }

  @Override
  public Receive createReceive() {
    return receiveBuilder()
        .match(ClusterEvent.MemberRemoved.class, e -> forget(e.member().uniqueAddress()))
        .match(ClusterEvent.MemberEvent.class, e -> {
          // Any change of membership restarts the wait, as Pekko's own resolver does: while
          // members join (a 'tandem up' of 5 nodes on 2 cores), the busy ones miss heartbeats.
          members.put(e.member().uniqueAddress(), e.member());
          changed();
        })
        .match(ClusterEvent.UnreachableMember.class, e -> {
          if (unreachable.add(e.member().uniqueAddress())) {
            changed();
          }
        })
        .match(ClusterEvent.ReachableMember.class, e -> {
          if (unreachable.remove(e.member().uniqueAddress())) {
            probes.remove(e.member().uniqueAddress());
            changed();
          }
        })
        .match(ThisActorSystemQuarantinedEvent.class, this::quarantined)
        .match(Probed.class, this::probed)
        .matchEquals(Tick.INSTANCE, t -> tick())
        .build();
  }

  private void forget(UniqueAddress member) {
    members.remove(member);
    probes.remove(member);
    downed.remove(member);
    unreachable.remove(member);
    changed();
  }

  private void changed() {
    changedNanos = System.nanoTime();
  }

  private void tick() {
    long now = System.nanoTime();
    long gap = now - lastTickNanos;
    lastTickNanos = now;
    if (gap > settings.stallThreshold().toNanos()) {
      // This process did not run for a while: the others stopped hearing from it, not the other
      // way round, and they may have removed it already; or the machine is overloaded and every
      // member misses heartbeats. Judge no live member until heartbeats had time to resume; if the
      // others removed this one, their quarantine notice ends it first.
      if (now >= distrustUntilNanos) {
        log.info("this process was held up for {} ms; downing only the provably dead for {} s",
            gap / 1_000_000, (settings.stableAfter().toNanos() + settings.heartbeatPause().toNanos()) / 1_000_000_000);
      }
      distrustUntilNanos = now + settings.stableAfter().toNanos() + settings.heartbeatPause().toNanos();
    }
    Duration sweep = settings.probeInterval();
    if (!sweep.isZero() && cluster.selfMember().hasRole("node") && now - lastSweepNanos >= sweep.toNanos()) {
      lastSweepNanos = now;
      boolean all = sweepAll;
      sweepAll = false;
      sweepThisMachine(all);
    }
    if (!unreachable.isEmpty()) {
      for (UniqueAddress member : unreachable) {
        if (!probes.containsKey(member)) {
          probe(member);
        }
      }
      decide();
    }
  }

  /**
   * The members on this machine (nodes, or every member after one was found dead) whose cluster
   * port nothing listens on any more are dead: the kernel says so without a connection.
   */
  private void sweepThisMachine(boolean everyMember) {
    Peer self = Peer.of(cluster.selfMember());
    Optional<Set<Integer>> listening = ListeningPorts.read();
    if (listening.isEmpty()) {
      return;
    }
    for (Member member : members.values()) {
      Peer peer = Peer.of(member);
      if ((everyMember || peer.node()) && isLive(member) && !peer.id().equals(self.id()) && peer.sameMachineAs(self)
          && !listening.get().contains(peer.port()) && !probes.containsKey(peer.id())) {
        probed(new Probed(peer.id(), Probe.REFUSED));
      }
    }
  }

  private void probe(UniqueAddress member) {
    if (!probing.add(member)) {
      return;
    }
    Peer peer = new Peer(member, false);
    PortProbe.probe(peer.host(), peer.port(), settings.probeTimeout())
        .thenAccept(refused -> getSelf().tell(new Probed(member, refused ? Probe.REFUSED : Probe.NOT_REFUSED), getSelf()));
  }

  private void probed(Probed probed) {
    probing.remove(probed.member());
    if (!members.containsKey(probed.member())) {
      return;
    }
    if (probed.result() == Probe.REFUSED) {
      probes.put(probed.member(), Probe.REFUSED);
      if (!sweepAll && !downed.contains(probed.member())) {
        sweepAll = true; // the workers of a dead node died with it: look at everyone next
        lastSweepNanos = System.nanoTime() - settings.probeInterval().toNanos();
      }
      decide();
    } else if (unreachable.contains(probed.member())) {
      probes.put(probed.member(), probed.result());
    }
  }

  private static boolean isLive(Member m) {
    return m.status() == MemberStatus.up() || m.status() == MemberStatus.weaklyUp();
  }

  private void decide() {
    long now = System.nanoTime();
    if (cluster.isTerminated()) {
      return;
    }
    Member self = cluster.selfMember();
    if (self.status() == MemberStatus.down() || self.status() == MemberStatus.exiting() || self.status() == MemberStatus.removed()) {
      return;
    }
    boolean stable = now >= distrustUntilNanos && now - changedNanos >= settings.stableAfter().toNanos();
    List<Peer> live = members.values().stream()
        .filter(m -> m.status() != MemberStatus.down() && m.status() != MemberStatus.exiting()
            && m.status() != MemberStatus.removed() && !downed.contains(m.uniqueAddress()))
        .map(Peer::of)
        .toList();
    Outcome outcome = DowningDecision.decide(Peer.of(self), live, unreachable, probes, stable);
    if (outcome.isEmpty()) {
      return;
    }
    log.warning("downing {}: {}", outcome.down().stream().map(u -> u.address().toString()).toList(), outcome.reason());
    for (UniqueAddress member : outcome.down()) {
      downed.add(member);
      cluster.down(member.address());
      if (probes.get(member) == Probe.REFUSED) {
        // Pekko removes a Down member only once it is unreachable, which the failure detector
        // finds seconds later; a quarantine marks it so now, and it is dead anyway.
        ((RemoteActorRefProvider) ((ExtendedActorSystem) getContext().getSystem()).provider())
            .quarantine(member.address(), Option.apply(member.longUid()), "its cluster port refuses connections");
      }
    }
  }

  private void quarantined(ThisActorSystemQuarantinedEvent event) {
    Address by = event.remoteAddress().address();
    boolean byMember = members.keySet().stream().anyMatch(m -> m.address().equals(by));
    if (byMember) {
      // The cluster removed this process while it was stalled or cut off; it cannot rejoin as the
      // same member, so it leaves (and takes the workers it started with it).
      log.warning("quarantined by member {}: this process was removed from the cluster; downing itself", by);
      cluster.down(cluster.selfAddress());
    }
  }
}
