package tandem.launcher.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Option;

/** How a job, map or pipeline runs, beyond its parameters: its time limit and retries. */
final class RunOptions {
  @Option(names = "--timeout", paramLabel = "DURATION",
      description = "end it timed-out after this long, e.g. 500ms, 30s, 5m (default: tandem.jobs.timeout, none)")
  String timeout;

  @Option(names = "--retries", paramLabel = "N",
      description = "start it again up to N times when its worker dies (default: tandem.jobs.retries, 3)")
  Integer retries;

  @Option(names = "--retry-on-error", description = "retry it (up to --retries) when the job itself fails, too")
  boolean retryOnError;

  /** Adds the options given to a {@code POST /jobs} body. */
  ObjectNode addTo(ObjectNode body) {
    if (timeout != null) {
      body.put("timeout", timeout);
    }
    if (retries != null) {
      if (retries < 0 || retries > 100) {
        throw CliException.usage("--retries takes a whole number from 0 to 100");
      }
      body.put("retries", retries);
    }
    if (retryOnError) {
      body.put("retryOnError", true);
    }
    return body;
  }
}
