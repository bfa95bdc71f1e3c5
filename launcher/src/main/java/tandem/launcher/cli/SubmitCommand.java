package tandem.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import tandem.launcher.client.TandemClient;
import tandem.protocol.api.Json;

@Command(name = "submit", mixinStandardHelpOptions = true,
    description = {"Submit one job and (by default) wait for it.",
        "Prints the result on stdout and where and how long it ran on stderr.",
        "Example: tandem submit primes n=1000000"})
final class SubmitCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ClusterTarget target;

  @Parameters(index = "0", paramLabel = "JOB", description = "the job's name; 'tandem catalog' lists them")
  String job;

  @Parameters(index = "1..*", paramLabel = "KEY=VALUE", description = "parameters; numbers and true/false are JSON values")
  List<String> params = List.of();

  @Option(names = "--json", description = "print the job as one JSON object")
  boolean json;

  @Option(names = "--no-wait", description = "print the job's id at once instead of waiting")
  boolean noWait;

  @Mixin PlacementOption placement;

  @Mixin RunOptions options;

  @Mixin OutputOption output;

  @Override
  public Integer call() {
    TandemClient client = target.client();
    if (noWait && output.given()) {
      throw CliException.usage("--output writes a finished job's result; it does not go with --no-wait");
    }
    output.checkWritable();
    var parameters = Params.parse(params);
    ObjectNode given = placement.addTo(options.addTo(Json.object()));
    JsonNode result = (noWait ? client.submit(job, parameters, given) : client.run(job, parameters, given)).join();
    var out = spec.commandLine().getOut();
    var err = spec.commandLine().getErr();
    if (output.given() && JobText.succeeded(result)) {
      err.println(output.write(client, result));
    }
    if (json) {
      out.println(Json.write(result));
    } else if (noWait) {
      out.println(result.path("id").asText());
    } else {
      if (JobText.succeeded(result) && !output.given()) {
        out.println(JobText.result(result));
        if (OutputOption.hint(result) != null) {
          err.println(OutputOption.hint(result));
        }
      }
      err.println(JobText.summary(result));
    }
    out.flush();
    return noWait || JobText.succeeded(result) ? ExitCodes.OK : ExitCodes.JOB_FAILED;
  }
}
