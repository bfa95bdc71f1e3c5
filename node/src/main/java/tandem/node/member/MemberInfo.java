package tandem.node.member;

import java.util.List;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import tandem.protocol.MemberProtocol;
import tandem.protocol.Vitals;

/**
 * Answers who this process is (address, OS pid, HTTP URL) and how it is doing ({@link Vitals},
 * read when asked, so a process nobody asks spends nothing on them), for {@code tandem members},
 * the dashboard and {@code GET /metrics}; and what it logged lately, from its {@link RecentLog}, for
 * {@code tandem logs --member}.
 */
public final class MemberInfo {
  private MemberInfo() {}

  /** The name it runs under, beside the guardian: {@link MemberProtocol#MEMBER_PATH}, where nodes ask. */
  public static final String NAME = MemberProtocol.MEMBER_PATH.substring("/user/".length());

  /**
   * @param httpUrl this node's HTTP API, or an empty string in a worker
   * @param tasks what this process runs
   */
  public static Behavior<MemberProtocol.ToMember> create(String httpUrl, TaskCounts tasks) {
    return Behaviors.setup(
        context -> {
          String address = Cluster.get(context.getSystem()).selfMember().address().toString();
          long pid = ProcessHandle.current().pid();
          return Behaviors.receive(MemberProtocol.ToMember.class)
              .onMessage(MemberProtocol.DescribeMember.class, ask -> {
                Vitals vitals = Vitals.ofThisProcess(tasks.slots(), tasks.running(), tasks.finishedCount());
                ask.replyTo().tell(new MemberProtocol.MemberDescription(address, pid, httpUrl, vitals));
                return Behaviors.same();
              })
              .onMessage(MemberProtocol.TailLog.class, ask -> {
                ask.replyTo().tell(tail(address, pid, ask));
                return Behaviors.same();
              })
              .build();
        });
  }

  /** The lines the ring keeps after {@code ask.after()}; one line saying why when there is no ring. */
  private static MemberProtocol.LogTail tail(String address, long pid, MemberProtocol.TailLog ask) {
    return RecentLog.installed()
        .map(ring -> ring.after(ask.after(), Math.max(0, ask.lines())))
        .map(t -> new MemberProtocol.LogTail(address, pid, t.lines(), t.next(), t.missed()))
        .orElseGet(() -> new MemberProtocol.LogTail(address, pid, List.of(
            "(this process keeps no log lines in memory: its Logback configuration has no "
                + RecentLog.class.getName() + " appender on the root logger, as config/logback.xml has)"), 0, 0));
  }
}
