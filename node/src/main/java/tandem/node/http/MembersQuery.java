package tandem.node.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.StreamSupport;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;
import tandem.node.Asks;
import tandem.protocol.api.Json;
import tandem.protocol.MemberProtocol;
import tandem.protocol.Vitals;

/**
 * Who is in the cluster: membership and status from the cluster itself, pid and HTTP URL from each
 * member's {@link tandem.node.member.MemberInfo}. A member that does not answer in time is still
 * listed, with a null pid.
 */
final class MembersQuery {
  private static final Duration ASK = Duration.ofSeconds(2);
  private final ActorSystem<?> system;

  MembersQuery(ActorSystem<?> system) {
    this.system = system;
  }

  CompletionStage<ArrayNode> members() {
    return described().thenApply(this::render);
  }

  /** What every member that answers in time says about itself, by cluster address. */
  CompletionStage<Map<String, MemberProtocol.MemberDescription>> described() {
    return described(responders());
  }

  /**
   * The responder of every member the cluster lists and this node can reach, at its well-known
   * path ({@link MemberProtocol#MEMBER_PATH}): a member that joined a moment ago is asked too,
   * with no registry to wait for.
   */
  Set<ActorRef<MemberProtocol.ToMember>> responders() {
    return MemberPaths.reachable(system, MemberProtocol.MEMBER_PATH, m -> true);
  }

  /** The HTTP API's URL of the member at this cluster address, if it is one, has one and answers. */
  CompletionStage<Optional<String>> httpUrlOf(String address) {
    Set<ActorRef<MemberProtocol.ToMember>> refs = new HashSet<>();
    for (Member m : Cluster.get(system).state().getMembers()) {
      if (m.address().toString().equals(address)) {
        refs.add(responderOf(m));
      }
    }
    return described(refs).thenApply(described -> Optional.ofNullable(described.get(address))
        .map(MemberProtocol.MemberDescription::httpUrl)
        .filter(url -> !url.isEmpty()));
  }

  private ActorRef<MemberProtocol.ToMember> responderOf(Member member) {
    return ActorRefResolver.get(system).resolveActorRef(member.address() + MemberProtocol.MEMBER_PATH);
  }

  /** What each of these responders says about itself, by cluster address; one that does not answer in time is left out. */
  CompletionStage<Map<String, MemberProtocol.MemberDescription>> described(Set<ActorRef<MemberProtocol.ToMember>> refs) {
    Map<String, MemberProtocol.MemberDescription> byAddress = new ConcurrentHashMap<>();
    List<CompletableFuture<?>> asks = new ArrayList<>();
    for (var ref : refs) {
      asks.add(Asks.<MemberProtocol.ToMember, MemberProtocol.MemberDescription>ask(
              system, ref, MemberProtocol.DescribeMember::new, ASK)
          .thenAccept(d -> byAddress.put(d.address(), d))
          .exceptionally(error -> null));
    }
    return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new)).thenApply(done -> byAddress);
  }

  /** A member's vitals as the members list shows them; CPU % is for a reader with two samples. */
  private static void vitals(ObjectNode row, Vitals v) {
    if (v == null) {
      return;
    }
    row.put("startedAtMillis", v.startedAtMillis());
    row.put("cpuSeconds", v.cpuNanos() < 0 ? -1 : v.cpuNanos() / 1e9);
    row.put("rssBytes", v.rssBytes());
    row.put("heapUsedBytes", v.heapUsedBytes());
    row.put("heapCommittedBytes", v.heapCommittedBytes());
    row.put("heapMaxBytes", v.heapMaxBytes());
    row.put("gcCount", v.gcCount());
    row.put("gcSeconds", v.gcMillis() / 1e3);
    row.put("threads", v.threads());
    row.put("slots", v.slots());
    row.put("tasksRunning", v.tasksRunning());
    row.put("tasksRun", v.tasksRun());
  }

  private ArrayNode render(Map<String, MemberProtocol.MemberDescription> described) {
    List<Member> members = new ArrayList<>();
    Cluster.get(system).state().getMembers().forEach(members::add);
    members.sort(Comparator.comparing((Member m) -> !m.hasRole("node")).thenComparing(m -> m.address().toString()));
    ArrayNode out = Json.NODES.arrayNode();
    for (Member m : members) {
      ObjectNode row = out.addObject();
      String address = m.address().toString();
      row.put("address", address);
      ArrayNode roles = row.putArray("roles");
      StreamSupport.stream(m.getRoles().spliterator(), false)
          .filter(r -> !r.startsWith("dc-"))
          .sorted()
          .forEach(roles::add);
      row.put("status", m.status().toString());
      MemberProtocol.MemberDescription d = described.get(address);
      if (d == null) {
        row.putNull("pid");
      } else {
        row.put("pid", d.pid());
        if (!d.httpUrl().isEmpty()) {
          row.put("httpUrl", d.httpUrl());
        }
        vitals(row, d.vitals());
      }
    }
    return out;
  }
}
