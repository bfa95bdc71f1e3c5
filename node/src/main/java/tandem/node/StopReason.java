package tandem.node;

import org.apache.pekko.actor.CoordinatedShutdown;

/**
 * Why a node's coordinated shutdown runs when it is asked to stop. Its own class, not the
 * Guardian's, because those who ask (SIGTERM in the launcher, {@code POST /stop} in the HTTP API)
 * are started by the Guardian: the HTTP routes never import the root that builds them.
 */
public final class StopReason {
  private StopReason() {}

  /** SIGTERM, {@code tandem down} or {@code tandem stop}. */
  public static final CoordinatedShutdown.Reason REQUESTED = new CoordinatedShutdown.Reason() {
    @Override
    public String toString() {
      return "stop requested";
    }
  };
}
