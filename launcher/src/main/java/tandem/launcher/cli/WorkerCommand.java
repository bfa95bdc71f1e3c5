package tandem.launcher.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

  @Option(names = "--public-host", paramLabel = "HOST", description = "the address other machines reach this worker at, when it is not --host (NAT, containers, --host 0.0.0.0)")
  String publicHost;

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
    // Pekko's scheduler wakes every tick, whether a timer is due or not: 10 ms/s of an idle
    // worker's CPU at the default 10 ms, 2 ms/s at 50 ms. A worker's timers are all a second or
    // more (cluster gossip and heartbeats, Artery's handshakes, its output flush), for which up to
    // 50 ms late is nothing; a task's own waits have a timer thread of their own (NodeIoContext).
    options.put("pekko.scheduler.tick-duration", "50ms");
    options.put("pekko.remote.artery.canonical.port", NodeCommand.checkPort(port, "--port"));
    if (host != null) {
      options.put("tandem.cluster.host", host);
    }
    if (publicHost != null) {
      options.put("tandem.cluster.public-host", publicHost);
    }
    process.putSettings(options);
    var seedAddresses = Seeds.parse(seeds);
    var config = ConfigLoader.load(options, process.configFile());
    WorkerSettings settings = WorkerSettings.create(config);
    ClusterProcess worker = ClusterProcess.start(Guardian.worker(settings, JobsFolder.catalog(config)), config, seedAddresses);
    worker.awaitUp(CompletableFuture.completedFuture(null), String.join(", ", seeds));
    PrintWriter out = spec == null ? new PrintWriter(System.out, true) : spec.commandLine().getOut();
    out.printf("tandem worker ready: cluster %s, %d compute thread(s), pid %d%n",
        worker.address(), settings.computeThreads(), ProcessHandle.current().pid());
    out.flush();
    return worker.awaitTermination(spec == null ? new PrintWriter(System.err, true) : spec.commandLine().getErr());
  }

  /**
   * The command for {@code tandem worker ARGS} read without picocli, when the arguments are
   * plainly well formed ({@code --seed}, {@code --host}, {@code --public-host}, {@code --port}, {@code --config}, {@code
   * --jobs}, {@code --secret-file} each followed by its value, {@code --parent-watch}), as a node passes them to the
   * workers it starts; empty for anything else, which picocli then reads and explains. Picocli
   * is Java 5 bytecode, which the class-data archive cannot hold: loading and verifying it took
   * a starting worker 130 ms of its ~1.1 s.
   */
  static Optional<WorkerCommand> plainlyGiven(String[] args) {
    if (args.length < 3 || !args[0].equals("worker")) {
      return Optional.empty();
    }
    WorkerCommand command = new WorkerCommand();
    command.process = new ProcessOptions();
    command.seeds = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      String option = args[i];
      if (option.equals("--parent-watch")) {
        command.parentWatch = true;
        continue;
      }
      if (i + 1 >= args.length || args[i + 1].startsWith("-")) {
        return Optional.empty();
      }
      String value = args[++i];
      switch (option) {
        case "--seed" -> command.seeds.add(value);
        case "--host" -> command.host = value;
        case "--public-host" -> command.publicHost = value;
        case "--port" -> {
          if (!value.matches("\\d{1,5}")) {
            return Optional.empty();
          }
          command.port = Integer.parseInt(value);
        }
        case "--config" -> command.process.config = Path.of(value);
        case "--jobs" -> command.process.jobs = Path.of(value);
        case "--secret-file" -> command.process.secretFile = Path.of(value);
        default -> {
          return Optional.empty();
        }
      }
    }
    return command.seeds.isEmpty() ? Optional.empty() : Optional.of(command);
  }
}
