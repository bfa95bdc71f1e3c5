package tandem.launcher.process;

import java.util.List;
import org.apache.pekko.actor.Address;
import tandem.launcher.cli.CliException;

/** Parses {@code HOST:PORT} seeds into cluster addresses. */
public final class Seeds {
  private Seeds() {}

  public static List<Address> parse(List<String> seeds) {
    return seeds.stream().map(Seeds::parseOne).toList();
  }

  private static Address parseOne(String seed) {
    int colon = seed.lastIndexOf(':');
    if (colon > 0) {
      try {
        int port = Integer.parseInt(seed.substring(colon + 1));
        if (port > 0 && port < 65536) {
          return new Address("pekko", ClusterProcess.SYSTEM_NAME, seed.substring(0, colon), port);
        }
      } catch (NumberFormatException ignored) {
        // reported below
      }
    }
    throw CliException.usage("--seed takes HOST:PORT of a running node, e.g. 127.0.0.1:2551, not '" + seed + "'");
  }
}
