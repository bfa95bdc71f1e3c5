package tandem.launcher.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tandem.launcher.certs.ClusterCerts;

@Command(name = "certs", mixinStandardHelpOptions = true,
    description = "TLS between the cluster's processes, with mutual authentication.",
    subcommands = CertsCommand.Init.class)
final class CertsCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "name what to do, e.g. tandem certs init certs/");
  }

  @Command(name = "init", mixinStandardHelpOptions = true,
      description = {"Make a cluster certificate authority and a key store per member, with the JDK's keytool.",
          "Each member's processes then start with --config DIR/<member>.conf: Artery runs over TLS, and a process",
          "whose certificate this authority did not sign cannot join. Keep ca.p12 off the machines that run the cluster.",
          "Example: tandem certs init certs --members host-a,host-b"})
  static final class Init implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "DIR", description = "an empty or new folder for the authority, key stores and config files")
    Path dir;

    @Option(names = "--members", split = ",", paramLabel = "NAME", defaultValue = "member",
        description = "one key store per name, e.g. one per machine (default: member)")
    List<String> members;

    @Override
    public Integer call() {
      for (String member : members) {
        if (!member.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,62}") || member.equals("ca") || member.equals("truststore")) {
          throw CliException.usage("--members takes names of letters, digits, '.', '_' and '-' (not ca or truststore), not '" + member + "'");
        }
      }
      List<Path> configs = ClusterCerts.init(dir, members);
      var out = spec.commandLine().getOut();
      out.printf("made a cluster authority and %d member key store(s) in %s%n", configs.size(), dir.toAbsolutePath());
      for (Path conf : configs) {
        out.printf("  start that member's processes with --config %s%n", conf);
      }
      out.println("keep ca.p12 (the authority's key) away from the cluster's machines; the .conf files hold the stores' password");
      out.flush();
      return ExitCodes.OK;
    }
  }
}
