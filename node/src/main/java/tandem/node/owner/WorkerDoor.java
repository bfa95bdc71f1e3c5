package tandem.node.owner;

import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.BehaviorInterceptor;
import org.apache.pekko.actor.typed.TypedActorContext;
import tandem.protocol.WorkerProtocol;

/**
 * Lets the JobManager take worker messages at its own, well-known path
 * ({@link WorkerProtocol#NODE_INBOX_PATH}), so a new worker can offer itself before the
 * receptionist has told it where nodes are. Worker messages are wrapped as the JobManager's own
 * inbox wraps them; no extra actor, so no extra hop.
 */
public final class WorkerDoor extends BehaviorInterceptor<Object, JobManager.Command> {
  public WorkerDoor() {
    super(Object.class);
  }

  @Override
  public Behavior<JobManager.Command> aroundReceive(
      TypedActorContext<Object> context, Object message, ReceiveTarget<JobManager.Command> target) {
    return target.apply(context, message instanceof WorkerProtocol.ToNode fromWorker
        ? JobManager.fromWorker(fromWorker)
        : (JobManager.Command) message);
  }
}
