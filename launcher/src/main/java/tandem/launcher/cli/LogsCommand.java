package tandem.launcher.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tandem.launcher.client.JobLog;
import tandem.launcher.client.TandemClient;

@Command(name = "logs", mixinStandardHelpOptions = true,
    description = "Show what a job wrote: its logger's lines and, where it ran in a worker, what it printed to"
        + " System.out and System.err (the last 64 KiB its owner keeps).")
final class LogsCommand implements Callable<Integer> {
  /** How often --follow asks for more. */
  private static final long FOLLOW_EVERY_MS = 500;

  @Spec CommandSpec spec;
  @Mixin ClusterTarget target;

  @Parameters(paramLabel = "ID", description = "the job's id, as submit and jobs print it")
  String id;

  @Option(names = {"-f", "--follow"}, description = "keep printing what the job writes until it ends; the exit code is then the job's")
  boolean follow;

  @Option(names = "--element", paramLabel = "K", description = "only what element K of a map wrote (from 0);"
      + " without it, a map's lines begin with [K]")
  Long element;

  @Override
  public Integer call() throws InterruptedException {
    if (element != null && element < 0) {
      throw CliException.usage("--element is an element's index in its map, from 0, not " + element);
    }
    TandemClient client = target.client();
    PrintWriter out = spec.commandLine().getOut();
    long from = 0;
    while (true) {
      JobLog log = client.logs(id, from, element).join();
      out.print(log.text());
      out.flush();
      from = log.next();
      if (!follow) {
        return ExitCodes.OK;
      }
      if (log.jobIsFinal()) {
        return "succeeded".equals(log.state()) ? ExitCodes.OK : ExitCodes.JOB_FAILED;
      }
      Thread.sleep(FOLLOW_EVERY_MS);
    }
  }
}
