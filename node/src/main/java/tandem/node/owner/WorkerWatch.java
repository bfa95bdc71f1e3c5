package tandem.node.owner;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
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
 * its member is Up a worker is held here; one removed before that is reported lost.
 */
final class WorkerWatch<C> {
  private final ActorContext<C> context;
  private final Function<ActorRef<ToWorker>, C> terminated;
  private final Function<ClusterEvent.MemberEvent, C> memberChanged;
  private final Set<Address> up = new HashSet<>();
  private final Map<Address, List<ActorRef<ToWorker>>> waiting = new HashMap<>();
  /** When each waiting worker's address was first seen, by System.nanoTime(). */
  private final Map<Address, Long> waitingSince = new HashMap<>();
  private boolean subscribed;

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
    if (address.hasLocalScope() || up.contains(address)) {
      context.watchWith(worker, terminated.apply(worker));
      return false;
    }
    waiting.computeIfAbsent(address, a -> new ArrayList<>()).add(worker);
    waitingSince.putIfAbsent(address, System.nanoTime());
    if (!subscribed) {
      subscribed = true; // the current members come first, as events
      Cluster.get(context.getSystem()).subscriptions().tell(Subscribe.create(
          context.messageAdapter(ClusterEvent.MemberEvent.class, memberChanged::apply), ClusterEvent.MemberEvent.class));
    }
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
    waitingSince.entrySet().removeIf(e -> {
      if (now - e.getValue() < limit.toNanos()) {
        return false;
      }
      out.addAll(waiting.getOrDefault(e.getKey(), List.of()));
      waiting.remove(e.getKey());
      return true;
    });
    return out;
  }

  boolean anyWaiting() {
    return !waiting.isEmpty();
  }

  /** Follows membership; returns the workers whose member left before it was ever Up. */
  List<ActorRef<ToWorker>> onMemberEvent(ClusterEvent.MemberEvent event) {
    Address address = event.member().address();
    if (event instanceof ClusterEvent.MemberUp || event instanceof ClusterEvent.MemberWeaklyUp) {
      up.add(address);
      for (ActorRef<ToWorker> worker : waiting.getOrDefault(address, List.of())) {
        context.watchWith(worker, terminated.apply(worker));
      }
      waiting.remove(address);
      waitingSince.remove(address);
    } else if (event instanceof ClusterEvent.MemberRemoved) {
      up.remove(address);
      waitingSince.remove(address);
      List<ActorRef<ToWorker>> lost = waiting.remove(address);
      return lost == null ? List.of() : lost;
    }
    return List.of();
  }
}
