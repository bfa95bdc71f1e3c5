package tandem.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import tandem.protocol.api.Json;

@Command(name = "jobs", mixinStandardHelpOptions = true, description = "List the newest jobs of a node.")
final class JobsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ClusterTarget target;

  @Option(names = "--limit", defaultValue = "20", description = "how many (default ${DEFAULT-VALUE})")
  int limit;

  @Option(names = "--json", description = "print the answer as JSON")
  boolean json;

  @Override
  public Integer call() {
    if (limit < 0 || limit > 100_000) {
      throw CliException.usage("--limit takes a number from 0 to 100000");
    }
    JsonNode answer = target.client().jobs(limit).join();
    var out = spec.commandLine().getOut();
    if (json) {
      out.println(Json.write(answer));
      out.flush();
      return ExitCodes.OK;
    }
    Table table = new Table("ID", "JOB", "STATE", "RAN ON", "TOTAL", "RESULT / ERROR");
    for (JsonNode job : answer.path("jobs")) {
      table.add(job.path("id").asText(), job.path("job").asText(), job.path("state").asText(),
          JobText.where(job), JobText.ms(job.path("timings").path("totalMs")), JobText.outcome(job, 60));
    }
    table.print(out);
    out.printf("%d queued, %d running, %d workers%n",
        answer.path("queued").asInt(), answer.path("running").asInt(), answer.path("workers").asInt());
    out.flush();
    return ExitCodes.OK;
  }
}
