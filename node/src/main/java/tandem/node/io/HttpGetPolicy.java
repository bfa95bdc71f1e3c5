package tandem.node.io;

import com.typesafe.config.Config;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import tandem.protocol.job.BadInputException;

/**
 * Which URLs the built-in {@code http-get} job may fetch, decided on the addresses the URL's host
 * resolves to, every one of them. In this order, the first rule that applies decides:
 *
 * <ol>
 *   <li>a {@code tandem.jobs.http-get.deny} entry naming the host, or holding any of its addresses:
 *       refused;
 *   <li>a link-local address (169.254.0.0/16, fe80::/10) while {@code deny-link-local = on}:
 *       refused. Cloud machines serve their credentials at 169.254.169.254, to any process that
 *       asks;
 *   <li>this node's own HTTP API (its port on a loopback address or an address of this machine):
 *       refused, always. A job that fetches its own node's API can tie the node up waiting on
 *       itself;
 *   <li>an empty {@code allow}: allowed. Otherwise allowed only when an entry names the host, or
 *       every address lies in an allowed block.
 * </ol>
 *
 * So deny wins over allow, and allow cannot open what the first three refuse.
 */
public final class HttpGetPolicy {
  private static final String SETTINGS = "tandem.jobs.http-get";

  private final List<AddressRule> allow;
  private final List<AddressRule> deny;
  private final boolean denyLinkLocal;
  private final Predicate<InetAddress> thisMachine;
  /** The port this node's HTTP API listens on; known only once it is bound (--http-port 0 picks one). */
  private volatile int httpApiPort;

  HttpGetPolicy(List<AddressRule> allow, List<AddressRule> deny, boolean denyLinkLocal, int httpApiPort,
      Predicate<InetAddress> thisMachine) {
    this.allow = List.copyOf(allow);
    this.deny = List.copyOf(deny);
    this.denyLinkLocal = denyLinkLocal;
    this.httpApiPort = httpApiPort;
    this.thisMachine = thisMachine;
  }

  /**
   * The policy {@code tandem.jobs.http-get} sets, for a node whose HTTP API is at {@code
   * httpApiPort} (0 until known).
   *
   * @throws IllegalArgumentException naming the entry that is neither a CIDR block nor a host name
   */
  public static HttpGetPolicy create(Config config, int httpApiPort) {
    Config c = config.getConfig(SETTINGS);
    return new HttpGetPolicy(rules(c, "allow"), rules(c, "deny"), c.getBoolean("deny-link-local"), httpApiPort,
        HttpGetPolicy::onThisMachine);
  }

  private static List<AddressRule> rules(Config c, String list) {
    try {
      return c.getStringList(list).stream().map(AddressRule::parse).toList();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(SETTINGS + "." + list + ": " + e.getMessage(), e);
    }
  }

  /** Once the HTTP API is bound: the port it really listens on. */
  public void httpApiBound(int port) {
    httpApiPort = port;
  }

  /**
   * Resolves the URL's host (a blocking DNS lookup: call it off the I/O dispatcher) and refuses
   * the URL when a rule says so. The HTTP client connects moments later through the JVM's address
   * cache (30 s), so it gets the addresses checked here.
   *
   * @throws BadInputException naming the rule that refused the URL and the setting to change
   */
  public void check(URI url) {
    String host = url.getHost();
    List<InetAddress> addresses;
    try {
      addresses = List.of(InetAddress.getAllByName(host));
    } catch (UnknownHostException e) {
      throw new BadInputException("http-get cannot resolve the host of " + url + ": " + e.getMessage());
    }
    refusal(url, addresses).ifPresent(reason -> {
      throw new BadInputException(reason);
    });
  }

  /** Why {@code url}, whose host resolved to {@code addresses}, may not be fetched; empty if it may. */
  Optional<String> refusal(URI url, List<InetAddress> addresses) {
    String host = AddressRule.normalHost(url.getHost());
    String refused = "http-get refuses " + url + ": ";
    for (AddressRule rule : deny) {
      if (rule.matchesName(host)) {
        return Optional.of(refused + "its host is denied by the entry '" + rule + "' of " + SETTINGS + ".deny; remove it there to allow it");
      }
      for (InetAddress a : addresses) {
        if (rule.matches(a)) {
          return Optional.of(refused + host + " is " + a.getHostAddress() + ", denied by the entry '" + rule + "' of "
              + SETTINGS + ".deny; remove it there to allow it");
        }
      }
    }
    for (InetAddress a : addresses) {
      if (denyLinkLocal && a.isLinkLocalAddress()) {
        return Optional.of(refused + host + " is " + a.getHostAddress() + ", a link-local address (169.254.0.0/16, fe80::/10),"
            + " where cloud machines serve their credentials; set " + SETTINGS + ".deny-link-local = off to allow it");
      }
      if (port(url) == httpApiPort && (a.isLoopbackAddress() || a.isAnyLocalAddress() || thisMachine.test(a))) {
        return Optional.of(refused + host + ":" + httpApiPort + " is this node's own HTTP API, which http-get never calls"
            + " (a job waiting on its own node can tie it up); no setting changes this: fetch another node's API");
      }
    }
    if (allow.isEmpty() || allow.stream().anyMatch(rule -> rule.matchesName(host))
        || addresses.stream().allMatch(a -> allow.stream().anyMatch(rule -> rule.matches(a)))) {
      return Optional.empty();
    }
    return Optional.of(refused + host + " (" + addresses.stream().map(InetAddress::getHostAddress).collect(Collectors.joining(", "))
        + ") is not in " + SETTINGS + ".allow [" + allow.stream().map(String::valueOf).collect(Collectors.joining(", "))
        + "]; add it there to allow it");
  }

  private static int port(URI url) {
    return url.getPort() >= 0 ? url.getPort() : "https".equals(url.getScheme()) ? 443 : 80;
  }

  private static boolean onThisMachine(InetAddress address) {
    try {
      return NetworkInterface.getByInetAddress(address) != null;
    } catch (SocketException e) {
      return false;
    }
  }
}
