package tandem.node.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.net.InetAddress;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class HttpGetPolicyTest {
  private static InetAddress ip(String literal) throws Exception {
    return InetAddress.getByName(literal);
  }

  private static AddressRule rule(String entry) {
    return AddressRule.parse(entry);
  }

  private static HttpGetPolicy policy(List<String> allow, List<String> deny) {
    return new HttpGetPolicy(allow.stream().map(AddressRule::parse).toList(), deny.stream().map(AddressRule::parse).toList(),
        true, 8551, address -> address.getHostAddress().equals("10.1.2.3"));
  }

  private static Optional<String> refusal(HttpGetPolicy policy, String url, String... addresses) throws Exception {
    List<InetAddress> resolved = new java.util.ArrayList<>();
    for (String a : addresses) {
      resolved.add(ip(a));
    }
    return policy.refusal(URI.create(url), resolved);
  }

  @Test
  @DisplayName("CIDR blocks hold the addresses of their prefix, IPv4 and IPv6, and a bare address is a block of one")
  void cidrBlocks() throws Exception {
    assertTrue(rule("169.254.0.0/16").matches(ip("169.254.169.254")));
    assertFalse(rule("169.254.0.0/16").matches(ip("169.255.0.1")));
    assertTrue(rule("10.0.0.0/8").matches(ip("10.255.255.255")));
    assertTrue(rule("0.0.0.0/0").matches(ip("8.8.8.8")));
    assertTrue(rule("192.168.1.7").matches(ip("192.168.1.7")));
    assertFalse(rule("192.168.1.7").matches(ip("192.168.1.8")));
    assertTrue(rule("172.16.0.0/12").matches(ip("172.31.0.1")));
    assertFalse(rule("172.16.0.0/12").matches(ip("172.32.0.1")));
    assertTrue(rule("fe80::/10").matches(ip("fe80::1")));
    assertTrue(rule("fe80::/10").matches(ip("febf::1")));
    assertFalse(rule("fe80::/10").matches(ip("fec0::1")));
    assertTrue(rule("::1").matches(ip("::1")));
    assertFalse(rule("::/0").matches(ip("127.0.0.1")), "an IPv6 block never holds an IPv4 address");
    // An IPv4-mapped IPv6 address is the IPv4 address to Java, so IPv4 blocks catch it.
    assertTrue(rule("169.254.0.0/16").matches(ip("::ffff:169.254.169.254")));
    assertFalse(rule("example.com").matches(ip("93.184.216.34")), "a host name matches names, not addresses");
  }

  @Test
  @DisplayName("host names match exactly, or with *. their subdomains, in any case and with a trailing dot")
  void hostNames() {
    assertTrue(rule("example.com").matchesName("example.com"));
    assertFalse(rule("example.com").matchesName("www.example.com"));
    assertTrue(rule("*.example.com").matchesName("www.example.com"));
    assertTrue(rule("*.example.com").matchesName("a.b.example.com"));
    assertFalse(rule("*.example.com").matchesName("example.com"));
    assertFalse(rule("*.example.com").matchesName("badexample.com"));
    assertTrue(rule("Metadata.Google.Internal.").matchesName(AddressRule.normalHost("metadata.google.internal")));
    assertEquals("::1", AddressRule.normalHost("[::1]"));
    assertFalse(rule("10.0.0.0/8").matchesName("10.0.0.1"));
  }

  @Test
  @DisplayName("an entry that is neither a block nor a host name is refused when the node starts, naming the setting")
  void badEntries() {
    for (String bad : new String[] {"10.0.0.0/33", "fe80::/129", "10.0.0.0/x", "http://x", "a b", "", "*", "300.1.1.1/8"}) {
      assertThrows(IllegalArgumentException.class, () -> AddressRule.parse(bad), bad);
    }
    var e = assertThrows(IllegalArgumentException.class, () -> HttpGetPolicy.create(ConfigFactory.parseString(
        "tandem.jobs.http-get { deny-link-local = on, deny = [\"10.0.0.0/99\"], allow = [] }"), 8551));
    assertTrue(e.getMessage().startsWith("tandem.jobs.http-get.deny: '10.0.0.0/99' needs a prefix from 0 to 32"), e.getMessage());
  }

  @Test
  @DisplayName("by default link-local addresses and the node's own API are refused, naming the rule and the setting; the rest is allowed")
  void defaults() throws Exception {
    HttpGetPolicy policy = HttpGetPolicy.create(ConfigFactory.load(), 8551);
    String metadata = refusal(policy, "http://169.254.169.254/latest/meta-data/", "169.254.169.254").orElseThrow();
    assertTrue(metadata.contains("a link-local address") && metadata.contains("tandem.jobs.http-get.deny-link-local = off"), metadata);
    assertTrue(refusal(policy, "http://[fe80::1]/", "fe80::1").orElseThrow().contains("link-local"));
    // Any one bad address refuses a name: a host that resolves to a public and a metadata address.
    assertTrue(refusal(policy, "http://rebind.example/", "93.184.216.34", "169.254.169.254").isPresent());
    String own = refusal(policy, "http://localhost:8551/jobs", "127.0.0.1").orElseThrow();
    assertTrue(own.contains("this node's own HTTP API"), own);
    assertTrue(refusal(policy, "http://0.0.0.0:8551/", "0.0.0.0").isPresent());
    assertEquals(Optional.empty(), refusal(policy, "http://127.0.0.1:8552/", "127.0.0.1"), "another port on loopback");
    assertEquals(Optional.empty(), refusal(policy, "http://example.com/", "93.184.216.34"));
    assertEquals(Optional.empty(), refusal(policy, "https://example.com:8551/", "93.184.216.34"), "port 8551 elsewhere");
    policy.httpApiBound(41000);
    assertTrue(refusal(policy, "http://127.0.0.1:41000/", "127.0.0.1").isPresent(), "the port the API was bound to");
    assertEquals(Optional.empty(), refusal(policy, "http://127.0.0.1:8551/", "127.0.0.1"));
    HttpGetPolicy open = HttpGetPolicy.create(ConfigFactory.parseString("tandem.jobs.http-get.deny-link-local = off")
        .withFallback(ConfigFactory.load()), 8551);
    assertEquals(Optional.empty(), refusal(open, "http://169.254.169.254/", "169.254.169.254"));
  }

  @Test
  @DisplayName("deny wins over allow; a non-empty allow passes only the hosts it names or whose every address it holds")
  void allowAndDeny() throws Exception {
    HttpGetPolicy policy = policy(List.of("10.0.0.0/8", "*.example.com", "169.254.0.0/16"), List.of("10.9.0.0/16", "bad.example.com"));
    assertEquals(Optional.empty(), refusal(policy, "http://10.1.1.1/", "10.1.1.1"));
    assertEquals(Optional.empty(), refusal(policy, "http://www.example.com/", "93.184.216.34"));
    String denied = refusal(policy, "http://10.9.1.1/", "10.9.1.1").orElseThrow();
    assertTrue(denied.contains("denied by the entry '10.9.0.0/16' of tandem.jobs.http-get.deny"), denied);
    String named = refusal(policy, "http://bad.example.com/", "10.1.1.1").orElseThrow();
    assertTrue(named.contains("entry 'bad.example.com' of tandem.jobs.http-get.deny"), named);
    String outside = refusal(policy, "http://example.org/", "93.184.216.35").orElseThrow();
    assertTrue(outside.contains("is not in tandem.jobs.http-get.allow [10.0.0.0/8, *.example.com, 169.254.0.0/16]; add it there"), outside);
    assertTrue(refusal(policy, "http://mixed.test/", "10.1.1.1", "93.184.216.35").isPresent(), "every address must be allowed");
    assertTrue(refusal(policy, "http://169.254.169.254/", "169.254.169.254").orElseThrow().contains("link-local"),
        "allow does not open link-local while deny-link-local is on");
    assertTrue(refusal(policy, "http://10.1.2.3:8551/", "10.1.2.3").orElseThrow().contains("own HTTP API"),
        "the node's API on another of its addresses");
  }
}
