package tandem.launcher.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import tandem.launcher.client.TandemClient;

@Command(name = "map", mixinStandardHelpOptions = true,
    description = {"Run a job once per element (CPU jobs in worker processes, in chunks); results in input order.",
        "Examples: tandem map square --range x=0..9",
        "          tandem map sha256 text=abc --values rounds=1,10,100",
        "          tandem map square --range x=1..100000 --reduce sum"})
final class MapCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ClusterTarget target;

  @Parameters(index = "0", paramLabel = "JOB", description = "the job's name; 'tandem catalog' lists them")
  String job;

  @Parameters(index = "1..*", paramLabel = "KEY=VALUE", description = "parameters every element shares")
  List<String> shared = List.of();

  @Mixin MapInputs inputs;
  @Mixin RunOptions options;

  @Option(names = "--chunk", paramLabel = "N", description = "elements per message to a worker (default: about four chunks per worker)")
  Integer chunk;

  @Option(names = "--reduce", paramLabel = "OP", description = "fold the results on the owner node: sum, min, max, count or concat")
  String reduce;

  @Mixin PlacementOption placement;

  @Option(names = "--unordered", description = "print each result as it completes, not in input order")
  boolean unordered;

  @Option(names = "--fail-fast", description = "stop the map at the first failed element")
  boolean failFast;

  @Option(names = "--json", description = "print JSON lines: {\"index\": i, \"result\": ...} or {\"index\": i, \"error\": ...}")
  boolean json;

  @Override
  public Integer call() throws IOException {
    ObjectNode map = inputs.elements(true);
    if (chunk != null) {
      map.put("chunk", chunk);
    }
    if (reduce != null) {
      map.put("reduce", reduce);
    }
    if (failFast) {
      map.put("failFast", true);
    }
    placement.addTo(map);
    options.addTo(map);
    TandemClient client = target.client();
    String id = client.submitMap(job, Params.parse(shared), map).join().path("id").asText();
    return new MapFollower(spec, unordered, json, reduce != null).follow(client, id, "map " + job);
  }
}
