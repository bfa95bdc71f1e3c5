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
    description = "Tandem: I/O jobs on node threads, CPU jobs in worker processes, one Pekko cluster.")
public final class Tandem implements Runnable {
  /**
   * The commands by name, in the order help lists them. Picocli reads every option of a command
   * by reflection when it is added, which for all of them took a third of a CLI's start (about
   * 350 ms of 0.8 s): a run that names one only adds that one (see {@link #commandLine(String...)}).
   */
  private static final java.util.Map<String, Class<?>> COMMANDS = commands(
      DemoCommand.class, UpCommand.class, DownCommand.class, StopCommand.class, ScaleCommand.class, CertsCommand.class,
      MembersCommand.class, SubmitCommand.class, MapCommand.class, PipelineCommand.class, StatusCommand.class, LogsCommand.class,
      CancelCommand.class, JobsCommand.class, CatalogCommand.class, NodeCommand.class, WorkerCommand.class,
      tandem.launcher.bench.BenchCommand.class, CdsTrainCommand.class, CommandLine.HelpCommand.class);

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name a command, e.g. tandem demo");
  }

  /** Runs {@code tandem ARGS} and returns its exit code. */
  public static int run(String[] args) {
    var worker = WorkerCommand.plainlyGiven(args);
    if (worker.isEmpty()) {
      return commandLine(args).execute(args);
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

  /**
   * The command for a run with these arguments: when the first names a command, only that one is
   * in it; otherwise (help, a version, a misspelt name that picocli suggests a fix for) all are.
   */
  public static CommandLine commandLine(String... args) {
    CommandLine cli = new CommandLine(new Tandem());
    Class<?> named = args.length > 0 ? COMMANDS.get(args[0]) : null;
    for (Class<?> command : named != null ? java.util.List.<Class<?>>of(named) : COMMANDS.values()) {
      cli.addSubcommand(command);
    }
    cli.setExecutionExceptionHandler(Tandem::onFailure);
    cli.setParameterExceptionHandler(Tandem::onBadUsage);
    return cli;
  }

  private static java.util.Map<String, Class<?>> commands(Class<?>... classes) {
    java.util.Map<String, Class<?>> byName = new java.util.LinkedHashMap<>();
    for (Class<?> command : classes) {
      byName.put(command.getAnnotation(Command.class).name(), command);
    }
    return java.util.Collections.unmodifiableMap(byName);
  }

  private static int onBadUsage(CommandLine.ParameterException e, String[] args) {
    CommandLine cmd = e.getCommandLine();
    cmd.getErr().println("tandem: " + e.getMessage());
    if (e instanceof CommandLine.UnmatchedArgumentException unmatched && !unmatched.getSuggestions().isEmpty()) {
      // A misspelt command or option: the ones it may have meant ('sbumit': submit).
      cmd.getErr().println("did you mean: " + String.join(" or ", unmatched.getSuggestions()) + "?");
    }
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
