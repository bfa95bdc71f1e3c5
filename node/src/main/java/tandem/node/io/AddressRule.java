package tandem.node.io;

import java.net.InetAddress;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One entry of {@code tandem.jobs.http-get.allow} or {@code deny}: a CIDR block ({@code
 * 10.0.0.0/8}, {@code fe80::/10}, {@code 192.168.1.7}), or a host name, exact ({@code
 * example.com}) or with its subdomains ({@code *.example.com}). A host name matches the name in
 * the URL; a block matches the addresses that name resolves to.
 */
final class AddressRule {
  private static final Pattern HOST = Pattern.compile("(\\*\\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*");

  private final String entry;
  private final Cidr block;
  private final String host;

  private AddressRule(String entry, Cidr block, String host) {
    this.entry = entry;
    this.block = block;
    this.host = host;
  }

  /** @throws IllegalArgumentException saying what is wrong with the entry */
  static AddressRule parse(String entry) {
    String text = entry.trim();
    Cidr block = Cidr.parse(text);
    if (block != null) {
      return new AddressRule(text, block, null);
    }
    String name = normalHost(text);
    if (!HOST.matcher(name).matches()) {
      throw new IllegalArgumentException("'" + entry + "' is neither a CIDR block (10.0.0.0/8, fe80::/10) nor a host name"
          + " (example.com, *.example.com)");
    }
    return new AddressRule(text, null, name);
  }

  /** A host name as compared: lower case, without a trailing dot or the brackets of an IPv6 literal. */
  static String normalHost(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
  }

  /** True for a host-name entry naming {@code urlHost} (already {@link #normalHost normal}). */
  boolean matchesName(String urlHost) {
    if (host == null) {
      return false;
    }
    return host.startsWith("*.") ? urlHost.endsWith(host.substring(1)) : urlHost.equals(host);
  }

  /** True for a CIDR entry holding {@code address}. */
  boolean matches(InetAddress address) {
    return block != null && block.contains(address);
  }

  @Override
  public String toString() {
    return entry;
  }
}
