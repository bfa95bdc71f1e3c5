package tandem.node.io;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * A block of IP addresses in CIDR notation: {@code 10.0.0.0/8}, {@code fe80::/10}, or one address
 * (a /32 or /128). An address is in the block when its first {@code prefix} bits are the block's.
 */
record Cidr(byte[] network, int prefix) {
  /** Only literals: anything else would send a setting to DNS. */
  private static final Pattern LITERAL = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");

  /** The block {@code text} names, or null when it is not an IP literal with an optional /prefix. */
  static Cidr parse(String text) {
    int slash = text.indexOf('/');
    String address = slash < 0 ? text : text.substring(0, slash);
    if (!LITERAL.matcher(address).matches()) {
      return null;
    }
    byte[] bytes;
    try {
      bytes = InetAddress.getByName(address).getAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("'" + text + "' is not an IP address: " + e.getMessage());
    }
    int prefix;
    try {
      prefix = slash < 0 ? bytes.length * 8 : Integer.parseInt(text.substring(slash + 1));
    } catch (NumberFormatException e) {
      prefix = -1;
    }
    if (prefix < 0 || prefix > bytes.length * 8) {
      throw new IllegalArgumentException("'" + text + "' needs a prefix from 0 to " + bytes.length * 8 + " after the /");
    }
    return new Cidr(bytes, prefix);
  }

  /** True when {@code address} is of the same family and shares the block's first {@code prefix} bits. */
  boolean contains(InetAddress address) {
    byte[] bytes = address.getAddress();
    if (bytes.length != network.length) {
      return false;
    }
    for (int bit = 0; bit < prefix; bit++) {
      int mask = 0x80 >>> (bit % 8);
      if ((bytes[bit / 8] & mask) != (network[bit / 8] & mask)) {
        return false;
      }
    }
    return true;
  }
}
