package tandem.protocol;

import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * How any node learns who every process in the cluster is (its OS pid and, for nodes, its HTTP
 * URL) and how it is doing ({@link Vitals}): each node and worker runs a small responder at
 * {@link #MEMBER_PATH}, which a node asks at the address of every member the cluster lists.
 */
public final class MemberProtocol {
  private MemberProtocol() {}

  /**
   * Where every node and worker runs its responder, under its cluster address. A well-known path,
   * not the receptionist: no Tandem process runs one (its distributed data is about 350 classes,
   * an actor and gossip ticks in every process), and a member's address is all it takes to ask.
   */
  public static final String MEMBER_PATH = "/user/member";

  /** What one process asks another about itself. */
  public sealed interface ToMember extends WireMessage permits DescribeMember, TailLog {}

  /** Asks a process who it is. */
  public record DescribeMember(ActorRef<MemberDescription> replyTo) implements ToMember {}

  /**
   * A process's answer.
   *
   * @param httpUrl the node's HTTP API, or an empty string for a worker
   * @param vitals what its JVM uses and what it runs, as it answered
   */
  public record MemberDescription(String address, long pid, String httpUrl, Vitals vitals) implements WireMessage {}

  /**
   * Asks a process for the newest of the log lines it keeps in memory (at most 1,000, at most
   * 256 KB of text, so the answer fits one message of tandem.wire.max-message-bytes).
   *
   * @param after the sequence number of the last line the asker has seen; 0 for none
   * @param lines the most lines wanted, newest last
   */
  public record TailLog(long after, int lines, ActorRef<LogTail> replyTo) implements ToMember {}

  /**
   * A process's newest log lines after {@link TailLog#after}, oldest first; a line is one log
   * event, with its stack trace if it has one.
   *
   * @param next the newest sequence number so far: pass it as {@code after} to get only newer lines
   * @param missed how many lines after {@code after} this answer leaves out: dropped from memory
   *     before anyone asked, or beyond the count asked for
   */
  public record LogTail(String address, long pid, List<String> lines, long next, long missed) implements WireMessage {}
}
