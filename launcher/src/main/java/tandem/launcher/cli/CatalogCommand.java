package tandem.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import tandem.protocol.api.Json;

@Command(name = "catalog", mixinStandardHelpOptions = true, description = "List the jobs a node can run, with their parameters.")
final class CatalogCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ClusterTarget target;

  @Option(names = "--json", description = "print the catalog as JSON")
  boolean json;

  @Override
  public Integer call() {
    JsonNode catalog = target.client().catalog().join();
    var out = spec.commandLine().getOut();
    if (json) {
      out.println(Json.write(catalog));
      out.flush();
      return ExitCodes.OK;
    }
    for (JsonNode job : catalog) {
      out.printf("%-14s %-3s  %s%n", job.path("name").asText(), job.path("kind").asText(), job.path("description").asText());
      out.printf("                    runs on %s%n", job.path("threads").asText());
      for (JsonNode p : job.path("params")) {
        out.printf("                    %s%s: %s%n", p.path("name").asText(), p.path("required").asBoolean() ? "" : " (optional)",
            p.path("help").asText());
      }
    }
    out.flush();
    return ExitCodes.OK;
  }
}
