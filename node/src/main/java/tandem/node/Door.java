package tandem.node;

import java.util.function.Function;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.BehaviorInterceptor;
import org.apache.pekko.actor.typed.TypedActorContext;

/**
 * Lets an actor take another process's messages at its own, well-known path: a message of the
 * foreign type is wrapped as the actor's own inbox would wrap it, everything else passes as it is.
 * No extra actor, so no extra hop. The TaskScheduler takes workers' messages this way
 * ({@link tandem.protocol.WorkerProtocol#NODE_INBOX_PATH}), the JobManager other nodes' questions
 * ({@link tandem.protocol.NodeProtocol#PEER_PATH}): found by a member's address, with no registry.
 *
 * @param <F> the messages other processes send
 * @param <C> the actor's own commands
 */
public final class Door<F, C> extends BehaviorInterceptor<Object, C> {
  private final Class<F> foreign;
  private final Function<F, C> wrap;

  public Door(Class<F> foreign, Function<F, C> wrap) {
    super(Object.class);
    this.foreign = foreign;
    this.wrap = wrap;
  }

  @Override
  @SuppressWarnings("unchecked") // the actor's own ref is narrowed from this door's, so all else is a C
  public Behavior<C> aroundReceive(TypedActorContext<Object> context, Object message, ReceiveTarget<C> target) {
    return target.apply(context, foreign.isInstance(message) ? wrap.apply(foreign.cast(message)) : (C) message);
  }
}
