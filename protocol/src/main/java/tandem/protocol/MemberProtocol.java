package tandem.protocol;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;

/**
 * How any node learns who every process in the cluster is (its OS pid and, for nodes, its HTTP
 * URL) and how it is doing ({@link Vitals}): each node and worker registers a small responder
 * under {@link #MEMBERS}.
 */
public final class MemberProtocol {
  private MemberProtocol() {}

  /** Every node and worker registers its responder under this key. */
  public static final ServiceKey<ToMember> MEMBERS =
      ServiceKey.create(ToMember.class, "tandem-members");

  /** What one process asks another about itself. */
  public sealed interface ToMember extends WireMessage permits DescribeMember {}

  /** Asks a process who it is. */
  public record DescribeMember(ActorRef<MemberDescription> replyTo) implements ToMember {}

  /**
   * A process's answer.
   *
   * @param httpUrl the node's HTTP API, or an empty string for a worker
   * @param vitals what its JVM uses and what it runs, as it answered
   */
  public record MemberDescription(String address, long pid, String httpUrl, Vitals vitals) implements WireMessage {}
}
