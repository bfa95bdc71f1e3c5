package tandem.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import tandem.launcher.client.TandemClient;
import tandem.protocol.api.Json;

@Command(name = "status", mixinStandardHelpOptions = true, description = "Show one job.")
final class StatusCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ClusterTarget target;

  @Parameters(paramLabel = "ID", description = "the job's id, as submit and jobs print it")
  String id;

  @Option(names = "--json", description = "print the job as one JSON object")
  boolean json;

  @Option(names = "--wait", description = "wait until the job is final")
  boolean await;

  @Override
  public Integer call() {
    var client = target.client();
    JsonNode job = (await ? client.awaitJob(id) : client.job(id)).join();
    var out = spec.commandLine().getOut();
    if (json) {
      out.println(Json.write(job));
    } else {
      out.println(JobText.summary(job));
      out.println("params: " + Json.write(job.path("params")));
      out.println("result: " + (job.path("result").isNull() ? "-" : JobText.result(job)));
      out.println("owner:  " + job.path("owner").asText());
      if (job.path("recovered").asInt() > 0) { // its owner left the cluster, and this node took it over from the journal
        out.println("recovered: taken over " + job.path("recovered").asInt() + " time(s) from the journal after its owner"
            + " left the cluster; 'tandem logs " + job.path("id").asText() + "' says from where");
      }
      if (job.has("note")) { // from the journal: no node owns it now
        out.println("note:   " + job.path("note").asText());
      }
    }
    out.flush();
    // A job still queued or running is no failure; a final one is, unless it succeeded.
    return TandemClient.isFinal(job) && !JobText.succeeded(job) ? ExitCodes.JOB_FAILED : ExitCodes.OK;
  }
}
