package tandem.launcher.cli;

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
import tandem.launcher.process.ClusterProcess;
import tandem.launcher.process.ConfigLoader;
import tandem.launcher.process.JobsFolder;
import tandem.launcher.process.ParentWatch;
import tandem.launcher.process.Seeds;
import tandem.node.Guardian;
import tandem.node.WorkerSettings;

@Command(name = "worker", mixinStandardHelpOptions = true,
    description = {"Run a worker process: joins the cluster and takes CPU jobs from every node.",
        "Example: tandem worker --seed 127.0.0.1:2551"})
final class WorkerCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ProcessOptions process;

  @Option(names = "--seed", paramLabel = "HOST:PORT", required = true, description = "a node of the cluster to join; repeatable")
  List<String> seeds;

  @Option(names = "--host", paramLabel = "HOST", description = "address to bind and advertise (default from tandem.cluster.host: 127.0.0.1)")
  String host;

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "0", description = "cluster port (default: any free port)")
  int port;

  @Option(names = "--parent-watch", hidden = true, description = "exit when standard input closes (set by the node that starts this worker)")
  boolean parentWatch;

  @Override
  public Integer call() {
    if (parentWatch) {
      ParentWatch.start(System.in);
    }
    Map<String, Object> options = new HashMap<>();
    options.put("pekko.cluster.roles", List.of("worker"));
    options.put("pekko.remote.artery.canonical.port", NodeCommand.checkPort(port, "--port"));
    if (host != null) {
      options.put("tandem.cluster.host", host);
    }
    if (process.jobsDir() != null) {
      options.put("tandem.jobs.dir", process.jobsDir().toString());
    }
    var seedAddresses = Seeds.parse(seeds);
    var config = ConfigLoader.load(options, process.configFile());
    WorkerSettings settings = WorkerSettings.create(config);
    ClusterProcess worker = ClusterProcess.start(Guardian.worker(settings, JobsFolder.catalog(config)), config, seedAddresses);
    worker.awaitUp(CompletableFuture.completedFuture(null), String.join(", ", seeds));
    var out = spec.commandLine().getOut();
    out.printf("tandem worker ready: cluster %s, %d compute thread(s), pid %d%n",
        worker.address(), settings.computeThreads(), ProcessHandle.current().pid());
    out.flush();
    return worker.awaitTermination(spec.commandLine().getErr());
  }
}
