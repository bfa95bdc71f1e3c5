package tandem.launcher.cli;

import java.net.URI;
import java.nio.file.Path;
import picocli.CommandLine.Option;
import tandem.launcher.client.TandemClient;
import tandem.launcher.local.LocalCluster;
import tandem.launcher.local.NodeEntry;

/**
 * Which node a command talks to: {@code --node URL}, else {@code TANDEM_URL}, else the cluster
 * {@code tandem up} started in this directory, else the default local port.
 */
public final class ClusterTarget {
  static final String DEFAULT_URL = "http://127.0.0.1:8551";

  @Option(names = "--node", paramLabel = "URL", description = "a node's HTTP URL (else $TANDEM_URL, else the cluster 'up' started here, else " + DEFAULT_URL + ")")
  String node;

  TandemClient client() {
    if (node != null) {
      return new TandemClient(url(node, "--node"), "given with --node");
    }
    String env = System.getenv("TANDEM_URL");
    if (env != null && !env.isBlank()) {
      return new TandemClient(url(env, "TANDEM_URL"), "from TANDEM_URL");
    }
    Path here = Path.of("").toAbsolutePath();
    var started = LocalCluster.in(LocalCluster.defaultDir()).read();
    if (started.isPresent() && !started.get().nodes().isEmpty()) {
      // The first node still running (its process is on this machine), so a dead first node does
      // not stop the CLI while the others serve. The others are where it waits for a job if its
      // node dies meanwhile.
      var nodes = started.get().nodes();
      var first = nodes.stream().filter(NodeEntry::alive).findFirst().orElse(nodes.get(0));
      return new TandemClient(URI.create(first.url()),
          "the cluster 'tandem up' started in " + here)
          .alsoTry(nodes.stream().map(n -> URI.create(n.url())).toList());
    }
    return new TandemClient(URI.create(DEFAULT_URL), "the default local port");
  }

  /** A node URL given by a user, or a usage error naming where it came from. */
  public static URI url(String text, String from) {
    try {
      URI uri = URI.create(text.trim());
      if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
        return uri;
      }
    } catch (IllegalArgumentException ignored) {
      // reported below
    }
    throw CliException.usage(from + " must be a node's URL like " + DEFAULT_URL + ", not '" + text + "'");
  }
}
