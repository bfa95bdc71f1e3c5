package tandem.node.http;

import java.util.HashSet;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * The actor at a well-known path of each member the cluster lists and this node can reach: how a
 * node finds other members' responders and JobManagers, with no registry to wait for (a member
 * that joined a moment ago is there too).
 */
final class MemberPaths {
  private MemberPaths() {}

  /** The actor at {@code path} under the address of every reachable member that {@code which} accepts. */
  static <T> Set<ActorRef<T>> reachable(ActorSystem<?> system, String path, Predicate<Member> which) {
    ClusterEvent.CurrentClusterState state = Cluster.get(system).state();
    Set<Member> unreachable = state.getUnreachable();
    ActorRefResolver resolver = ActorRefResolver.get(system);
    Set<ActorRef<T>> refs = new HashSet<>();
    for (Member m : state.getMembers()) {
      if (!unreachable.contains(m) && which.test(m)) {
        refs.add(resolver.resolveActorRef(m.address() + path));
      }
    }
    return refs;
  }
}
