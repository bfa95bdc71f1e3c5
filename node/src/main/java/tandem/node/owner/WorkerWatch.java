package tandem.node.owner;

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
  private boolean subscribed;

  WorkerWatch(ActorContext<C> context, Function<ActorRef<ToWorker>, C> terminated,
      Function<ClusterEvent.MemberEvent, C> memberChanged) {
    this.context = context;
    this.terminated = terminated;
    this.memberChanged = memberChanged;
  }

  /** Watches the worker now if it is a member (or in this process), else once its member is Up. */
  void watch(ActorRef<ToWorker> worker) {
    Address address = worker.path().address();
    if (address.hasLocalScope() || up.contains(address)) {
      context.watchWith(worker, terminated.apply(worker));
      return;
    }
    waiting.computeIfAbsent(address, a -> new ArrayList<>()).add(worker);
    if (!subscribed) {
      subscribed = true; // the current members come first, as events
      Cluster.get(context.getSystem()).subscriptions().tell(Subscribe.create(
          context.messageAdapter(ClusterEvent.MemberEvent.class, memberChanged::apply), ClusterEvent.MemberEvent.class));
    }
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
    } else if (event instanceof ClusterEvent.MemberRemoved) {
      up.remove(address);
      List<ActorRef<ToWorker>> lost = waiting.remove(address);
      return lost == null ? List.of() : lost;
    }
    return List.of();
  }
}
