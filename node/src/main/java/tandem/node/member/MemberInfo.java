package tandem.node.member;

import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.typed.Cluster;
import tandem.protocol.MemberProtocol;
import tandem.protocol.Vitals;

/**
 * Answers who this process is (address, OS pid, HTTP URL) and how it is doing ({@link Vitals},
 * read when asked, so a process nobody asks spends nothing on them), for {@code tandem members},
 * the dashboard and {@code GET /metrics}.
 */
public final class MemberInfo {
  private MemberInfo() {}

  /**
   * @param httpUrl this node's HTTP API, or an empty string in a worker
   * @param tasks what this process runs
   */
  public static Behavior<MemberProtocol.ToMember> create(String httpUrl, TaskCounts tasks) {
    return Behaviors.setup(
        context -> {
          context.getSystem().receptionist().tell(Receptionist.register(MemberProtocol.MEMBERS, context.getSelf()));
          String address = Cluster.get(context.getSystem()).selfMember().address().toString();
          long pid = ProcessHandle.current().pid();
          return Behaviors.receive(MemberProtocol.ToMember.class)
              .onMessage(MemberProtocol.DescribeMember.class, ask -> {
                Vitals vitals = Vitals.ofThisProcess(tasks.slots(), tasks.running(), tasks.finishedCount());
                ask.replyTo().tell(new MemberProtocol.MemberDescription(address, pid, httpUrl, vitals));
                return Behaviors.same();
              })
              .build();
        });
  }
}
