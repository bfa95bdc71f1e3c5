package tandem.node.scheduler;

import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.BehaviorInterceptor;
import org.apache.pekko.actor.typed.TypedActorContext;
import tandem.protocol.WorkerProtocol;

/**
 * Lets the TaskScheduler take worker messages at its own, well-known path
 * ({@link WorkerProtocol#NODE_INBOX_PATH}), where a worker offers itself: to the nodes it was told
 * to join before it is even a member, and to every other node once the cluster lists it. Worker
 * messages are wrapped as the scheduler's own inbox wraps them; no extra actor, so no extra hop.
 */
public final class WorkerDoor extends BehaviorInterceptor<Object, TaskScheduler.Command> {
  public WorkerDoor() {
    super(Object.class);
  }

  @Override
  public Behavior<TaskScheduler.Command> aroundReceive(
      TypedActorContext<Object> context, Object message, ReceiveTarget<TaskScheduler.Command> target) {
    return target.apply(context, message instanceof WorkerProtocol.ToNode fromWorker
        ? TaskScheduler.fromWorker(fromWorker)
        : (TaskScheduler.Command) message);
  }
}
