package tandem.launcher.cli;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import tandem.launcher.process.NodeJvm;
import tandem.launcher.local.ClusterState;
import tandem.launcher.local.LocalCluster;
import tandem.launcher.local.NodeEntry;
import tandem.launcher.process.ConfigLoader;

@Command(name = "up", mixinStandardHelpOptions = true,
    description = {"Start a local cluster in the background and wait until every member is Up.",
        "Its pids, ports and logs are kept in .tandem/ here; 'tandem down' stops it."})
final class UpCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ProcessOptions process;

  @Option(names = "--nodes", defaultValue = "1", description = "nodes to start (default ${DEFAULT-VALUE})")
  int nodes;

  @Option(names = "--workers", paramLabel = "N", description = "worker processes per node (default from tandem.node.workers: one per core)")
  Integer workers;

  @Option(names = "--timeout", defaultValue = "120", paramLabel = "SECONDS", description = "how long to wait for every member to be Up (default ${DEFAULT-VALUE})")
  int timeoutSeconds;

  @Override
  public Integer call() {
    if (nodes < 1 || nodes > 32) {
      throw CliException.usage("--nodes takes a number from 1 to 32");
    }
    if (workers != null && (workers < 0 || workers > 256)) {
      throw CliException.usage("--workers takes a number from 0 to 256");
    }
    var configFile = process.configFile();
    var config = ConfigLoader.load(Map.of(), configFile);
    int perNode = workers != null ? workers : tandem.node.NodeSettings.create(config).workers();
    var out = spec.commandLine().getOut();
    LocalCluster cluster = LocalCluster.in(LocalCluster.defaultDir());
    ClusterState state = cluster.start(nodes, perNode, process.passOn(),
        NodeJvm.options(config), Duration.ofSeconds(timeoutSeconds));
    for (NodeEntry node : state.nodes()) {
      out.printf("node %d: %s  (cluster 127.0.0.1:%d, pid %d, %d workers)%n",
          node.index(), node.url(), node.port(), node.pid(), perNode);
    }
    out.printf("cluster up: %d node(s), %d worker(s); state and logs in %s; 'tandem down' stops it%n",
        nodes, nodes * perNode, cluster.dir());
    out.printf("dashboard: %s/ (any node's HTTP address serves it)%n", state.nodes().get(0).url());
    out.flush();
    return ExitCodes.OK;
  }
}
