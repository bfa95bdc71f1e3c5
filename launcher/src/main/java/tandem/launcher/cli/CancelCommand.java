package tandem.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import tandem.launcher.client.TandemException;
import tandem.protocol.api.Json;

@Command(name = "cancel", mixinStandardHelpOptions = true,
    description = {"Cancel a queued or running job, on whichever node owns it.",
        "A queued job never starts; a running CPU job is interrupted; a running I/O job stops waiting."})
final class CancelCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ClusterTarget target;

  @Parameters(paramLabel = "ID", description = "the job's id, as submit and jobs print it")
  String id;

  @Option(names = "--json", description = "print the cancelled job as one JSON object")
  boolean json;

  @Override
  public Integer call() {
    JsonNode job;
    try {
      job = target.client().owner(id).thenCompose(owner -> owner.cancel(id)).join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof TandemException t && t.status() == 409) {
        spec.commandLine().getErr().println("tandem: " + t.getMessage());
        return ExitCodes.JOB_FAILED;
      }
      throw e;
    }
    var out = spec.commandLine().getOut();
    out.println(json ? Json.write(job) : JobText.summary(job));
    out.flush();
    return ExitCodes.OK;
  }
}
