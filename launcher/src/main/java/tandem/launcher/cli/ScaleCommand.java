package tandem.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "scale", mixinStandardHelpOptions = true,
    description = {"Grow or shrink a running node's own worker processes.",
        "New workers take work as soon as they are ready; a worker that goes finishes its running jobs first.",
        "Workers started by hand (tandem worker --seed) are not the node's: stop those yourself.",
        "Example: tandem scale --workers 4 --node http://127.0.0.1:8551"})
final class ScaleCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ClusterTarget target;

  @Option(names = "--workers", paramLabel = "N", required = true, description = "local worker processes the node keeps from now on (0 to 256)")
  int workers;

  @Override
  public Integer call() {
    if (workers < 0 || workers > 256) {
      throw CliException.usage("--workers takes a number from 0 to 256, not " + workers);
    }
    JsonNode answer = target.client().scale(workers).join();
    int starting = answer.path("starting").asInt();
    int stopping = answer.path("stopping").asInt();
    spec.commandLine().getOut().printf("node %s: %d -> %d workers of its own%s%n",
        answer.path("address").asText(), answer.path("before").asInt(), answer.path("workers").asInt(),
        starting > 0 ? " (starting " + starting + "; 'tandem members' shows them as they join)"
            : stopping > 0 ? " (stopping " + stopping + ", each once its running jobs are done)" : "");
    spec.commandLine().getOut().flush();
    return ExitCodes.OK;
  }
}
