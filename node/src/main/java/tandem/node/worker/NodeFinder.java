package tandem.node.worker;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;
import tandem.protocol.WorkerProtocol;

/**
 * Tells a worker of every node the cluster shows as a member (role {@code node}, WeaklyUp or Up,
 * those already there first), by its TaskScheduler's well-known path under the node's address.
 *
 * <p>Membership is what a worker needs to know, and every member has it anyway: before, workers
 * learned nodes from the receptionist, whose distributed data put an actor, gossip ticks and about
 * 350 classes into every worker for nothing else.
 */
public final class NodeFinder {
  private NodeFinder() {}

  public static Behavior<ClusterEvent.MemberEvent> create(ActorRef<Worker.Command> worker) {
    return Behaviors.setup(context -> {
      Cluster.get(context.getSystem()).subscriptions()
          .tell(Subscribe.create(context.getSelf(), ClusterEvent.MemberEvent.class));
      ActorRefResolver resolver = ActorRefResolver.get(context.getSystem());
      return Behaviors.receive(ClusterEvent.MemberEvent.class)
          .onMessage(ClusterEvent.MemberUp.class, up -> found(worker, resolver, up.member()))
          .onMessage(ClusterEvent.MemberWeaklyUp.class, up -> found(worker, resolver, up.member()))
          .onAnyMessage(other -> Behaviors.same())
          .build();
    });
  }

  private static Behavior<ClusterEvent.MemberEvent> found(
      ActorRef<Worker.Command> worker, ActorRefResolver resolver, Member member) {
    if (member.hasRole("node")) {
      worker.tell(new Worker.NodeUp(resolver.resolveActorRef(member.address() + WorkerProtocol.NODE_INBOX_PATH)));
    }
    return Behaviors.same();
  }
}
