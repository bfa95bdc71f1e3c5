package tandem.launcher.cli;

import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import tandem.launcher.local.LocalCluster;

@Command(name = "down", mixinStandardHelpOptions = true,
    description = "Stop the cluster 'tandem up' started here: gracefully, then by force; nothing else is touched.")
final class DownCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--grace", defaultValue = "45", paramLabel = "SECONDS", description = "how long nodes may take to stop (they let their jobs finish for up to tandem.node.drain-deadline, 30 s) before they are killed (default ${DEFAULT-VALUE})")
  int graceSeconds;

  @Override
  public Integer call() {
    LocalCluster cluster = LocalCluster.in(LocalCluster.defaultDir());
    var out = spec.commandLine().getOut();
    if (cluster.read().isEmpty()) {
      out.println("no cluster was started here (" + cluster.dir() + " has none); nothing to stop");
      out.flush();
      return ExitCodes.OK;
    }
    LocalCluster.StopReport report = cluster.stop(Duration.ofSeconds(graceSeconds), false, true); // the journal stays
    out.printf("stopped %d node(s) and %d worker(s)%s%n", report.nodes(), report.workers(),
        report.clean() ? "" : "; some did not exit, see 'pgrep -af tandem'");
    out.flush();
    return report.clean() ? ExitCodes.OK : ExitCodes.JOB_FAILED;
  }
}
