package tandem.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "stop", mixinStandardHelpOptions = true,
    description = {"Stop one node gracefully: it drains its jobs, stops its workers, leaves, exits 0.",
        "It takes no more jobs (503) and lets its unfinished ones finish for up to tandem.node.drain-deadline (30 s).",
        "Example: tandem stop --node http://127.0.0.1:8552"})
final class StopCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ClusterTarget target;

  @Override
  public Integer call() {
    JsonNode answer = target.client().stop().join();
    spec.commandLine().getOut().printf(
        "node %s is stopping: it takes no more jobs and lets its %d running and %d queued finish (up to %.0f s), then leaves%n",
        answer.path("address").asText(), answer.path("running").asInt(), answer.path("queued").asInt(),
        answer.path("drainDeadlineMs").asDouble() / 1000);
    spec.commandLine().getOut().flush();
    return ExitCodes.OK;
  }
}
