package tandem.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "scale", mixinStandardHelpOptions = true,
    description = {"Grow or shrink a running node's own worker processes.",
        "When it grows, it returns once the new workers are ready for work (a second or so each), so work you submit next runs on them.",
        "A worker that goes finishes its running jobs first.",
        "Workers started by hand (tandem worker --seed) are not the node's: stop those yourself.",
        "Example: tandem scale --workers 4 --node http://127.0.0.1:8551"})
final class ScaleCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ClusterTarget target;

  @Option(names = "--workers", paramLabel = "N", required = true, description = "local worker processes the node keeps from now on (0 to 256)")
  int workers;

  @Option(names = "--no-wait", description = "return at once instead of when the new workers are ready")
  boolean noWait;

  @Option(names = "--timeout", defaultValue = "60", paramLabel = "SECONDS",
      description = "how long to wait for the new workers to be ready (default ${DEFAULT-VALUE})")
  int timeoutSeconds;

  @Override
  public Integer call() {
    if (workers < 0 || workers > 256) {
      throw CliException.usage("--workers takes a number from 0 to 256, not " + workers);
    }
    if (timeoutSeconds < 1) {
      throw CliException.usage("--timeout takes a number of seconds, at least 1, not " + timeoutSeconds);
    }
    var client = target.client();
    // The node counts every ready worker it has, its own and any started by hand: wait for the
    // count before the resize plus the ones it starts.
    int readyBefore = client.health().join().path("workers").asInt();
    long start = System.nanoTime();
    JsonNode answer = client.scale(workers).join();
    int starting = answer.path("starting").asInt();
    int stopping = answer.path("stopping").asInt();
    var out = spec.commandLine().getOut();
    out.printf("node %s: %d -> %d workers of its own%s%n",
        answer.path("address").asText(), answer.path("before").asInt(), answer.path("workers").asInt(),
        starting > 0 ? " (starting " + starting + ")"
            : stopping > 0 ? " (stopping " + stopping + ", each once its running jobs are done)" : "");
    out.flush();
    if (starting == 0 || noWait) {
      return ExitCodes.OK;
    }
    int wanted = readyBefore + starting;
    int ready = client.awaitWorkers(count -> count >= wanted, Duration.ofSeconds(timeoutSeconds)).join();
    double seconds = (System.nanoTime() - start) / 1e9;
    if (ready < wanted) {
      throw new CliException(ExitCodes.JOB_FAILED, String.format(
          "after %.1f s only %d of the %d new workers are ready; the node keeps starting them "
              + "('tandem members' shows them as they join, the node's log says why one failed)",
          seconds, Math.max(0, ready - readyBefore), starting));
    }
    out.printf("%d new worker(s) ready in %.1f s; the node has %d ready%n", starting, seconds, ready);
    out.flush();
    return ExitCodes.OK;
  }
}
