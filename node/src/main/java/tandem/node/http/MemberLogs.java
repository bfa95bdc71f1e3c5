package tandem.node.http;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import tandem.node.Asks;
import tandem.protocol.MemberProtocol;
import tandem.protocol.job.BadInputException;

/**
 * {@code GET /members/{member}/log}: finds a member (node or worker) among those this node sees,
 * by its cluster address, its {@code host:port}, or its OS pid, asks it for the newest lines its
 * {@link tandem.node.member.RecentLog} keeps, and answers them as plain text, with the sequence
 * number to ask after next time ({@code Tandem-Log-Next}) and how many lines the answer leaves out
 * ({@code Tandem-Log-Missed}). A member named by address is asked directly; a pid needs every
 * member described first, so a follower passes the address it got back ({@code Tandem-Log-Member}).
 */
final class MemberLogs {
  /** The most lines one answer carries: all a member keeps. */
  static final int MAX_LINES = 1000;
  static final int DEFAULT_LINES = 100;
  private static final Duration ASK = Duration.ofSeconds(5);

  private final ActorSystem<?> system;
  private final MembersQuery members;

  MemberLogs(ActorSystem<?> system, MembersQuery members) {
    this.system = system;
    this.members = members;
  }

  /** Throws a {@link BadInputException} (400) for a bad {@code lines} or {@code after}, before asking anyone. */
  CompletionStage<HttpResponse> tail(String member, Optional<String> lines, Optional<String> after) {
    int count = lines.map(MemberLogs::parseLines).orElse(DEFAULT_LINES);
    long since = after.map(MemberLogs::parseAfter).orElse(0L);
    Set<ActorRef<MemberProtocol.ToMember>> refs = members.responders();
    Optional<ActorRef<MemberProtocol.ToMember>> byAddress = refs.stream()
        .filter(ref -> matchesAddress(addressOf(ref), member))
        .findFirst();
    if (byAddress.isPresent()) {
      return ask(byAddress.get(), member, count, since);
    }
    return members.described(refs).thenCompose(described -> byPid(refs, described, member, count, since));
  }

  private CompletionStage<HttpResponse> byPid(Set<ActorRef<MemberProtocol.ToMember>> refs,
      Map<String, MemberProtocol.MemberDescription> described, String member, int count, long since) {
    List<MemberProtocol.MemberDescription> found = described.values().stream()
        .filter(d -> String.valueOf(d.pid()).equals(member.trim()))
        .toList();
    if (found.size() > 1) {
      return done(JsonResponses.error(StatusCodes.BAD_REQUEST, "pid " + member + " belongs to " + found.size()
          + " members on different machines (" + String.join(", ", found.stream().map(MemberProtocol.MemberDescription::address).toList())
          + "); pass the address instead"));
    }
    Optional<ActorRef<MemberProtocol.ToMember>> ref = found.stream()
        .flatMap(d -> refs.stream().filter(r -> addressOf(r).equals(d.address())))
        .findFirst();
    return ref.map(r -> ask(r, member, count, since))
        .orElseGet(() -> done(JsonResponses.error(StatusCodes.NOT_FOUND, unknown(member, described))));
  }

  private CompletionStage<HttpResponse> ask(ActorRef<MemberProtocol.ToMember> ref, String member, int count, long since) {
    return Asks.<MemberProtocol.ToMember, MemberProtocol.LogTail>ask(
            system, ref, replyTo -> new MemberProtocol.TailLog(since, count, replyTo), ASK)
        .handle((tail, error) -> error == null ? text(tail) : failed(member, error));
  }

  private static HttpResponse text(MemberProtocol.LogTail tail) {
    StringBuilder body = new StringBuilder();
    tail.lines().forEach(line -> body.append(line).append('\n'));
    HttpResponse response = HttpResponse.create()
        .withStatus(StatusCodes.OK)
        .withEntity(ContentTypes.TEXT_PLAIN_UTF8, body.toString().getBytes(StandardCharsets.UTF_8))
        .addHeader(RawHeader.create("Tandem-Log-Next", String.valueOf(tail.next())))
        .addHeader(RawHeader.create("Tandem-Log-Member", tail.address()))
        .addHeader(RawHeader.create("Tandem-Log-Pid", String.valueOf(tail.pid())));
    return tail.missed() > 0 ? response.addHeader(RawHeader.create("Tandem-Log-Missed", String.valueOf(tail.missed()))) : response;
  }

  private static HttpResponse failed(String member, Throwable error) {
    if (JsonResponses.isTimeout(error)) {
      return JsonResponses.error(StatusCodes.GATEWAY_TIMEOUT, "member " + member + " did not answer within "
          + ASK.toSeconds() + " s; it may be overloaded or leaving (GET /members shows its status)");
    }
    return JsonResponses.failure(error, JsonResponses.NO_ANSWER, 0).response();
  }

  /** The 404's words: every member that answered, with its pid, and what to pass. */
  private static String unknown(String member, Map<String, MemberProtocol.MemberDescription> described) {
    List<String> known = new ArrayList<>();
    described.values().stream()
        .sorted(Comparator.comparing(MemberProtocol.MemberDescription::address))
        .forEach(d -> known.add(d.address() + " (pid " + d.pid() + ", " + (d.httpUrl().isEmpty() ? "worker" : "node") + ")"));
    return "no member '" + member + "' among those this node sees: "
        + (known.isEmpty() ? "none answered" : String.join(", ", known))
        + "; pass an address as 'tandem members' shows it (URL-encoded), its host:port, or a pid";
  }

  /** A responder's cluster address; this node's own is local, without host and port, so it is the cluster's. */
  private String addressOf(ActorRef<?> ref) {
    Address address = ref.path().address();
    return address.hasLocalScope() ? Cluster.get(system).selfMember().address().toString() : address.toString();
  }

  private static boolean matchesAddress(String address, String member) {
    String m = member.trim();
    return address.equals(m) || (m.contains(":") && address.endsWith("@" + m));
  }

  private static int parseLines(String text) {
    try {
      int n = Integer.parseInt(text.trim());
      if (n >= 1 && n <= MAX_LINES) {
        return n;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw new BadInputException("lines must be a whole number from 1 to " + MAX_LINES + " (a member keeps at most "
        + MAX_LINES + "), not '" + text + "'");
  }

  private static long parseAfter(String text) {
    try {
      long n = Long.parseLong(text.trim());
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw new BadInputException("after must be a whole number >= 0 (the Tandem-Log-Next of the previous answer; 0 for the newest lines), not '"
        + text + "'");
  }

  private static <T> CompletionStage<T> done(T value) {
    return CompletableFuture.completedFuture(value);
  }
}
