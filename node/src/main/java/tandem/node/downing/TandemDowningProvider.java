package tandem.node.downing;

import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Props;
import org.apache.pekko.cluster.DowningProvider;
import scala.Option;
import scala.concurrent.duration.Duration;
import scala.concurrent.duration.FiniteDuration;

/**
 * Tandem's downing provider ({@code pekko.cluster.downing-provider-class}), in every node and
 * worker: Pekko refuses a member whose provider differs from the cluster's. The rules are in
 * {@link DowningDecision}; why Pekko's own resolver did not fit is in the README ("What survives
 * what"): it counts a dead node's workers as a side of their own.
 */
public final class TandemDowningProvider extends DowningProvider {
  private final DowningSettings settings;

  public TandemDowningProvider(ActorSystem system) {
    this.settings = DowningSettings.create(system.settings().config());
  }

  /** Tandem runs no singletons or shards that would need a margin before a removed member's are moved. */
  @Override
  public FiniteDuration downRemovalMargin() {
    return Duration.Zero();
  }

  @Override
  public Option<Props> downingActorProps() {
    return Option.apply(DowningActor.props(settings));
  }
}
