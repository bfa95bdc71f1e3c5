package tandem.launcher.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Option;

/** {@code --on}: where a job or map runs instead of where its kind says, for experiments. */
final class PlacementOption {
  @Option(names = "--on", paramLabel = "threads|processes",
      description = "run on the node's own threads or in worker processes instead of where the job's kind says (for experiments)")
  String on;

  /** Adds {@code on} to a {@code POST /jobs} body, checked first so a typo is a usage mistake. */
  ObjectNode addTo(ObjectNode body) {
    if (on == null) {
      return body;
    }
    if (!on.equals("threads") && !on.equals("processes")) {
      throw CliException.usage("--on takes threads (the node's own threads) or processes (worker processes), not '" + on + "'");
    }
    return body.put("on", on);
  }
}
