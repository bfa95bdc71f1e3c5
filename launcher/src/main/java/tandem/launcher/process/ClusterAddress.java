package tandem.launcher.process;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tandem.launcher.cli.CliException;

/**
 * Where a process listens for the cluster ({@code tandem.cluster.host}) and the address the
 * others reach it at ({@code tandem.cluster.public-host}, when that differs: behind NAT, in a
 * container, or listening on every address with {@code 0.0.0.0}).
 */
public final class ClusterAddress {
  private ClusterAddress() {}

  /** {@code config} with Artery's bind and canonical host set from Tandem's two settings. */
  public static Config apply(Config config) {
    String host = config.getString("tandem.cluster.host").trim();
    String publicHost = config.getString("tandem.cluster.public-host").trim();
    if (publicHost.isEmpty()) {
      if (isWildcard(host)) {
        throw CliException.usage("--host " + host + " listens on every address, which no other process can reach it at: "
            + "give --public-host (tandem.cluster.public-host), the address the others use for this one");
      }
      // Set here, not by substitution in reference.conf: the merged reference configuration
      // arrives resolved, with the default host already in place.
      return ConfigFactory.parseMap(Map.of("pekko.remote.artery.canonical.hostname", host)).withFallback(config);
    }
    if (isWildcard(publicHost)) {
      throw CliException.usage("--public-host must be an address the other processes can reach, not " + publicHost);
    }
    return ConfigFactory.parseMap(Map.of(
            "pekko.remote.artery.canonical.hostname", publicHost,
            "pekko.remote.artery.bind.hostname", host))
        .withFallback(config);
  }

  /** The options a local worker gets to listen and be reached as its node is. */
  public static List<String> workerOptions(Config config) {
    String publicHost = config.getString("tandem.cluster.public-host").trim();
    List<String> args = new ArrayList<>(List.of("--host", config.getString("tandem.cluster.host").trim()));
    if (!publicHost.isEmpty()) {
      args.addAll(List.of("--public-host", publicHost));
    }
    return args;
  }

  private static boolean isWildcard(String host) {
    return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
  }
}
