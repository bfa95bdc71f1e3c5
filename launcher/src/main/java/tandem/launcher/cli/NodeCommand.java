package tandem.launcher.cli;

import com.typesafe.config.Config;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import tandem.launcher.process.ClusterAddress;
import tandem.launcher.process.ClusterProcess;
import tandem.launcher.process.ConfigLoader;
import tandem.launcher.process.JobsFolder;
import tandem.launcher.process.LocalWorkerFactory;
import tandem.launcher.process.Seeds;
import tandem.launcher.process.WorkerJvm;
import tandem.node.Guardian;
import tandem.node.NodeSettings;

@Command(name = "node", mixinStandardHelpOptions = true,
    description = {"Run a node in the foreground: the HTTP API, the jobs it accepts, its local workers.",
        "Without --seed it founds a new cluster; stop it with Ctrl-C or SIGTERM."})
final class NodeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ProcessOptions process;

  @Option(names = "--host", paramLabel = "HOST", description = "address to bind and advertise (default from tandem.cluster.host: 127.0.0.1)")
  String host;

  @Option(names = "--public-host", paramLabel = "HOST", description = "the address other machines reach this node at, when it is not --host (NAT, containers, --host 0.0.0.0)")
  String publicHost;

  @Option(names = "--port", paramLabel = "PORT", description = "cluster port (default from tandem.cluster.node-port: 2551; 0 for any free port)")
  Integer port;

  @Option(names = "--http-port", paramLabel = "PORT", description = "HTTP API port (default from tandem.http.port: 8551; 0 for any free port)")
  Integer httpPort;

  @Option(names = "--seed", paramLabel = "HOST:PORT", description = "a node of the cluster to join; repeatable")
  List<String> seeds = List.of();

  @Option(names = "--journal", paramLabel = "JDBC-URL", description = "where to record the jobs this node accepts, so"
      + " another node takes them over if it dies (tandem.journal.url): jdbc:sqlite:FILE, which nodes on one machine"
      + " share, or jdbc:postgresql://HOST/DB; 'tandem up' gives its nodes .tandem/journal.db")
  String journal;

  @Option(names = "--workers", paramLabel = "N", description = "local worker processes to keep running (default from tandem.node.workers: one per core)")
  Integer workers;

  @Override
  public Integer call() {
    Map<String, Object> options = new HashMap<>();
    options.put("pekko.cluster.roles", List.of("node"));
    if (host != null) {
      options.put("tandem.cluster.host", host);
    }
    if (publicHost != null) {
      options.put("tandem.cluster.public-host", publicHost);
    }
    if (httpPort != null) {
      options.put("tandem.http.port", checkPort(httpPort, "--http-port"));
    }
    if (journal != null) {
      if (!journal.isEmpty() && !journal.startsWith("jdbc:sqlite:") && !journal.startsWith("jdbc:postgresql:")) {
        throw CliException.usage("--journal takes jdbc:sqlite:FILE or jdbc:postgresql://HOST:PORT/DB, not " + journal);
      }
      options.put("tandem.journal.url", journal);
    }
    if (workers != null) {
      if (workers < 0 || workers > 256) {
        throw CliException.usage("--workers takes a number from 0 to 256");
      }
      options.put("tandem.node.workers", String.valueOf(workers));
    }
    var seedAddresses = Seeds.parse(seeds);
    var configFile = process.configFile();
    process.putSettings(options);
    Config config = withPort(ConfigLoader.load(options, configFile), port);
    NodeSettings settings;
    try {
      settings = NodeSettings.create(config);
    } catch (IllegalArgumentException e) {
      throw CliException.usage(e.getMessage());
    }
    var factory = new LocalWorkerFactory(
        WorkerJvm.options(config), process.passOn(), ClusterAddress.workerOptions(config));
    CompletableFuture<Guardian.NodeStarted> started = new CompletableFuture<>();
    ClusterProcess node = ClusterProcess.start(
        Guardian.node(settings, JobsFolder.catalog(config), factory, started), config, seedAddresses);
    node.stopGracefullyOnTerm();
    Guardian.NodeStarted ready = node.awaitUp(started, seeds.isEmpty() ? "itself" : String.join(", ", seeds));
    var out = spec.commandLine().getOut();
    out.printf("tandem node ready: cluster %s, http %s, workers %d, pid %d%n",
        ready.address(), ready.httpUrl(), settings.workers(), ProcessHandle.current().pid());
    out.flush();
    return node.awaitTermination(spec.commandLine().getErr());
  }

  static int checkPort(int port, String option) {
    if (port < 0 || port > 65535) {
      throw CliException.usage(option + " takes a port from 0 to 65535, not " + port);
    }
    return port;
  }

  private static Config withPort(Config config, Integer port) {
    int chosen = port != null ? checkPort(port, "--port") : config.getInt("tandem.cluster.node-port");
    return com.typesafe.config.ConfigFactory.parseMap(Map.of("pekko.remote.artery.canonical.port", chosen))
        .withFallback(config);
  }
}
