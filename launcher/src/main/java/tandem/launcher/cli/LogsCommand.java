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
    description = {"Show what a job wrote: its logger's lines and, where it ran in a worker, what it printed to"
        + " System.out and System.err (the last 64 KiB its owner keeps).",
        "With --member, a node's or worker's own log instead: the last lines it keeps in memory."},
    footer = {"Examples: tandem logs ab12-7 --follow", "          tandem logs --member 4242 --lines 50"})
final class LogsCommand implements Callable<Integer> {
  /** How often --follow asks for more. */
  private static final long FOLLOW_EVERY_MS = 500;

  @Spec CommandSpec spec;
  @Mixin ClusterTarget target;

  @Parameters(paramLabel = "ID", arity = "0..1", description = "the job's id, as submit and jobs print it")
  String id;

  @Option(names = {"-f", "--follow"}, description = "keep printing what the job writes until it ends (the exit code is then"
      + " the job's), or what the member logs until interrupted")
  boolean follow;

  @Option(names = "--member", paramLabel = "ADDRESS|PID", description = "a node's or worker's own log, by its address or"
      + " pid as 'tandem members' shows them, asked through the node")
  String member;

  @Option(names = "--lines", paramLabel = "N", defaultValue = "100", description = "with --member: how many of its last"
      + " lines, 1 to " + MemberLogTail.MAX_LINES + " (default ${DEFAULT-VALUE})")
  int lines;

  @Option(names = "--element", paramLabel = "K", description = "only what element K of a map wrote (from 0);"
      + " without it, a map's lines begin with [K]")
  Long element;

  @Override
  public Integer call() throws InterruptedException {
    if ((id == null) == (member == null)) {
      throw CliException.usage("give a job's ID, or --member ADDRESS|PID for a process's own log (not both)");
    }
    if (member != null) {
      if (element != null) {
        throw CliException.usage("--element is for a job's log; leave it out with --member");
      }
      return new MemberLogTail(target.client(), spec.commandLine().getOut()).print(member, lines, follow);
    }
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
