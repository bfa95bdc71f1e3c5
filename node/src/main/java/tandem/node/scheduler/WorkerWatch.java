package tandem.node.scheduler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;
import tandem.protocol.WorkerProtocol.ToWorker;

/**
 * Watches workers, but only once they are cluster members: a worker offers itself to the node it
 * joins before it is one, and Pekko drops a remote watch of a process outside the cluster. Until
 * its member is Up a worker is held here; one removed before that is reported lost. A worker whose
 * member is downed is reported lost at once: Pekko's watch fires only when the member is removed,
 * which takes the cluster a few gossip rounds more, and a downed member never serves again.
 */
final class WorkerWatch<C> {
  private final ActorContext<C> context;
  private final Function<ActorRef<ToWorker>, C> terminated;
  private final Function<ClusterEvent.MemberEvent, C> memberChanged;
  private final Set<Address> up = new HashSet<>();
  /** Workers not yet members, by address, with when the address was first seen. */
  private final Map<Address, Waiting> waiting = new HashMap<>();
  /** Members leaving on purpose (Leaving or Exiting), by address, until they are removed. */
  private final Set<Address> leaving = new HashSet<>();
  /** Workers watched through the cluster, by address, to report lost when their member is downed. */
  private final Map<Address, List<ActorRef<ToWorker>>> watched = new HashMap<>();
  private boolean subscribed;

  private record Waiting(long sinceNanos, List<ActorRef<ToWorker>> workers) {}

  WorkerWatch(ActorContext<C> context, Function<ActorRef<ToWorker>, C> terminated,
      Function<ClusterEvent.MemberEvent, C> memberChanged) {
    this.context = context;
    this.terminated = terminated;
    this.memberChanged = memberChanged;
  }

  /**
   * Watches the worker now if it is a member (or in this process), else once its member is Up.
   *
   * @return true when the watch waits for the worker to become a member
   */
  boolean watch(ActorRef<ToWorker> worker) {
    Address address = worker.path().address();
    if (address.hasLocalScope()) {
      context.watchWith(worker, terminated.apply(worker));
      return false;
    }
    if (!subscribed) {
      subscribed = true; // the current members come first, as events
      Cluster.get(context.getSystem()).subscriptions().tell(Subscribe.create(
          context.messageAdapter(ClusterEvent.MemberEvent.class, memberChanged::apply), ClusterEvent.MemberEvent.class));
    }
    if (up.contains(address)) {
      context.watchWith(worker, terminated.apply(worker));
      watched.computeIfAbsent(address, a -> new ArrayList<>()).add(worker);
      return false;
    }
    waiting.computeIfAbsent(address, a -> new Waiting(System.nanoTime(), new ArrayList<>())).workers().add(worker);
    return true;
  }

  /**
   * The workers that offered themselves but have not become members within {@code limit}: they
   * could not join (an incompatible configuration, a cluster they cannot reach back) and may be
   * gone without a word, since nothing watches them. They are forgotten here.
   */
  List<ActorRef<ToWorker>> neverJoined(Duration limit) {
    long now = System.nanoTime();
    List<ActorRef<ToWorker>> out = new ArrayList<>();
    waiting.values().removeIf(w -> {
      boolean overdue = now - w.sinceNanos() >= limit.toNanos();
      if (overdue) {
        out.addAll(w.workers());
      }
      return overdue;
    });
    return out;
  }

  /**
   * How long until the earliest of the workers still waiting to join is overdue by {@code limit};
   * empty when none waits. A check at that time, not a full {@code limit} after the last one,
   * forgets a worker that offered itself in between within {@code limit}, not up to twice that.
   */
  Optional<Duration> nextOverdue(Duration limit) {
    long now = System.nanoTime();
    OptionalLong earliest = waiting.values().stream().mapToLong(Waiting::sinceNanos).min();
    return earliest.isEmpty() ? Optional.empty()
        : Optional.of(Duration.ofNanos(Math.max(0, earliest.getAsLong() + limit.toNanos() - now)));
  }

  /** Whether the member at {@code address} is leaving the cluster on purpose (Leaving or Exiting). */
  boolean leaving(Address address) {
    return leaving.contains(address);
  }

  /** Follows membership; returns the workers whose member was downed, or left before it was ever Up. */
  List<ActorRef<ToWorker>> onMemberEvent(ClusterEvent.MemberEvent event) {
    Address address = event.member().address();
    if (event instanceof ClusterEvent.MemberUp || event instanceof ClusterEvent.MemberWeaklyUp) {
      up.add(address);
      Waiting joined = waiting.remove(address);
      for (ActorRef<ToWorker> worker : joined == null ? List.<ActorRef<ToWorker>>of() : joined.workers()) {
        context.watchWith(worker, terminated.apply(worker));
        watched.computeIfAbsent(address, a -> new ArrayList<>()).add(worker);
      }
    } else if (event instanceof ClusterEvent.MemberLeft || event instanceof ClusterEvent.MemberExited) {
      leaving.add(address);
    } else if (event instanceof ClusterEvent.MemberDowned) {
      List<ActorRef<ToWorker>> downed = watched.remove(address);
      return downed == null ? List.of() : downed;
    } else if (event instanceof ClusterEvent.MemberRemoved) {
      up.remove(address);
      leaving.remove(address);
      watched.remove(address);
      Waiting lost = waiting.remove(address);
      return lost == null ? List.of() : lost.workers();
    }
    return List.of();
  }
}
