package tandem.launcher.cli;

import tandem.node.worker.WorkerExit;
import java.io.PrintWriter;
import java.util.concurrent.CompletionException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import tandem.launcher.client.TandemException;
import tandem.launcher.client.UnreachableException;

/** The {@code tandem} command and the one place where failures become messages and exit codes. */
@Command(
    name = "tandem",
    mixinStandardHelpOptions = true,
    version = "tandem 0.1.0",
    description = "Tandem: I/O jobs on node threads, CPU jobs in worker processes, one Pekko cluster.",
    subcommands = {
      DemoCommand.class, UpCommand.class, DownCommand.class, StopCommand.class, ScaleCommand.class, CertsCommand.class, MembersCommand.class,
      SubmitCommand.class, MapCommand.class, PipelineCommand.class, StatusCommand.class, LogsCommand.class, CancelCommand.class, JobsCommand.class, CatalogCommand.class, NodeCommand.class,
      WorkerCommand.class, tandem.launcher.bench.BenchCommand.class, CdsTrainCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Tandem implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name a command, e.g. tandem demo");
  }

  /** Runs {@code tandem ARGS} and returns its exit code. */
  public static int run(String[] args) {
    var worker = WorkerCommand.plainlyGiven(args);
    if (worker.isEmpty()) {
      return commandLine().execute(args);
    }
    int code;
    try {
      code = worker.get().call();
    } catch (Exception e) {
      code = failed(e, new PrintWriter(System.err, true));
    }
    // The node that started this worker reads exit code 3 as out of memory (HotSpot's); one that
    // could not join the cluster (3 for a user's command) must not be taken for that.
    return worker.get().parentWatch && code == WorkerExit.OUT_OF_MEMORY ? WorkerExit.NOT_JOINED : code;
  }

  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Tandem());
    cli.setExecutionExceptionHandler(Tandem::onFailure);
    cli.setParameterExceptionHandler(Tandem::onBadUsage);
    return cli;
  }

  private static int onBadUsage(CommandLine.ParameterException e, String[] args) {
    CommandLine cmd = e.getCommandLine();
    cmd.getErr().println("tandem: " + e.getMessage());
    cmd.getErr().println("see '" + cmd.getCommandSpec().qualifiedName() + " --help'");
    return ExitCodes.USAGE;
  }

  private static int onFailure(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
    return failed(e, cmd.getErr());
  }

  /** Says why a command failed on {@code err}, and returns the exit code for it. */
  private static int failed(Exception e, PrintWriter err) {
    Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    if (cause instanceof CliException c) {
      err.println("tandem: " + c.getMessage());
      return c.exitCode();
    }
    if (cause instanceof UnreachableException u) {
      err.println("tandem: " + u.getMessage());
      err.println("start a cluster with 'tandem up' (or 'tandem node'), or point at one with --node URL or TANDEM_URL");
      return ExitCodes.UNREACHABLE;
    }
    if (cause instanceof TandemException t) {
      err.println("tandem: " + t.getMessage());
      return t.status() >= 500 ? ExitCodes.UNREACHABLE : ExitCodes.USAGE;
    }
    err.println("tandem: unexpected failure: " + cause);
    return ExitCodes.JOB_FAILED;
  }
}
