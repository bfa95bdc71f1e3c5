package tandem.node;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The bearer token of a node's HTTP API ({@code tandem.http.token}). An API that listens only on
 * a loopback address may go without one; one that other machines can reach may not, since
 * anyone who reaches it could run any job.
 */
public final class HttpToken {
  /** Short enough to guess is not a secret. */
  static final int MIN_LENGTH = 16;

  private HttpToken() {}

  /**
   * The token to ask every request for, or null for none.
   *
   * @throws IllegalArgumentException when the API would be reachable from other machines without
   *     one, or the token is too short or holds spaces
   */
  public static String read(String token, String host) {
    String given = token == null ? "" : token.trim();
    if (given.isEmpty()) {
      if (!isLoopback(host)) {
        throw new IllegalArgumentException("the HTTP API would listen on " + host + ", which other machines can reach, with no "
            + "token: set tandem.http.token to a secret of " + MIN_LENGTH + " or more characters (e.g. the output of "
            + "'openssl rand -hex 24'), or keep tandem.http.host at 127.0.0.1");
      }
      return null;
    }
    if (given.length() < MIN_LENGTH || given.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException("tandem.http.token must be " + MIN_LENGTH
          + " or more characters without spaces (e.g. the output of 'openssl rand -hex 24')");
    }
    return given;
  }

  static boolean isLoopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false; // it will fail to bind anyway, saying so
    }
  }
}
