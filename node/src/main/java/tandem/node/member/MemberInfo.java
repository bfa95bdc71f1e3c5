package tandem.node.member;

import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.typed.Cluster;
import tandem.protocol.MemberProtocol;

/** Answers who this process is (address, OS pid, HTTP URL), for {@code tandem members}. */
public final class MemberInfo {
  private MemberInfo() {}

  /** @param httpUrl this node's HTTP API, or an empty string in a worker */
  public static Behavior<MemberProtocol.ToMember> create(String httpUrl) {
    return Behaviors.setup(
        context -> {
          context.getSystem().receptionist().tell(Receptionist.register(MemberProtocol.MEMBERS, context.getSelf()));
          String address = Cluster.get(context.getSystem()).selfMember().address().toString();
          long pid = ProcessHandle.current().pid();
          return Behaviors.receive(MemberProtocol.ToMember.class)
              .onMessage(MemberProtocol.DescribeMember.class, ask -> {
                ask.replyTo().tell(new MemberProtocol.MemberDescription(address, pid, httpUrl));
                return Behaviors.same();
              })
              .build();
        });
  }
}
